package io.novacron.operator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Stops an embedded PostgreSQL a failed run left behind, by the PID it recorded. */
public final class LeftoverPostgres {
  private LeftoverPostgres() {}

  /** The lock file of the server whose data lives in {@code dataDir} (the operator's layout). */
  public static Path pidFile(Path dataDir) {
    return dataDir.resolve("postgres/postmaster.pid");
  }

  public static void stop(Path dataDir) throws IOException {
    Path pidFile = pidFile(dataDir);
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    Optional<ProcessHandle> server = ProcessHandle.of(pid);
    if (server.isEmpty()) {
      return;
    }
    // SIGINT is PostgreSQL's fast shutdown; SIGTERM (ProcessHandle.destroy) waits for every client
    // to leave, and a leftover server's clients are as stranded as it is
    new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start();
    try {
      server.get().onExit().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      server.get().destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
