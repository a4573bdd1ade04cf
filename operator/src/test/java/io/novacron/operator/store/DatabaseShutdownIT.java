package io.novacron.operator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.operator.testing.Directories;
import io.novacron.operator.testing.LeftoverPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded database outlives the JVM's shutdown hooks until the operator closes it: a process
 * stopped by a signal (a pod's SIGTERM, the sandbox's Ctrl-C) still writes through it at stop, and
 * one that never closes it leaves no server running after its exit.
 */
class DatabaseShutdownIT {
  private Path dataDir;
  private Process child;

  @BeforeEach
  void clean() throws IOException {
    dataDir = Path.of("target/database-shutdown-it").toAbsolutePath();
    LeftoverPostgres.stop(dataDir);
    Directories.deleteRecursively(dataDir);
  }

  @AfterEach
  void stop() throws IOException {
    if (child != null) {
      child.destroyForcibly();
    }
    LeftoverPostgres.stop(dataDir);
  }

  @Test
  void aShutdownHookStillWritesThroughTheEmbeddedDatabase() throws Exception {
    List<String> output = runAndStop(WritesAtShutdown.WRITE);

    assertThat(output).as("the child's output").contains(WritesAtShutdown.WRITTEN);
    try (Database db = Database.open(new DatabaseSettings(null, null, null, dataDir));
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT note FROM shutdown_probe")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo("written at shutdown");
    }
  }

  @Test
  void aDatabaseNobodyClosesIsStoppedAsTheJvmExits() throws Exception {
    List<String> output = runAndStop(WritesAtShutdown.LEAVE_OPEN);

    assertThat(output).anyMatch(line -> line.contains("was not closed"));
    assertThat(LeftoverPostgres.pidFile(dataDir)).as("the server stopped").doesNotExist();
  }

  /** Runs the child until it is ready, stops it with SIGTERM as Kubernetes stops a pod. */
  private List<String> runAndStop(String mode) throws Exception {
    child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                WritesAtShutdown.class.getName(),
                dataDir.toString(),
                mode)
            .redirectErrorStream(true)
            .start();
    List<String> output = new ArrayList<>();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = lines.readLine()) != null && !line.equals(WritesAtShutdown.READY)) {
      output.add(line);
    }
    assertThat(line).as("the child started: %s", output).isEqualTo(WritesAtShutdown.READY);

    child.toHandle().destroy(); // SIGTERM; Process.destroy() would close our end of the pipe
    lines.lines().forEach(output::add);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return output;
  }

  /**
   * The child: opens the database; on shutdown it either waits a moment, as the operator's close
   * does, then writes and closes, or leaves the database open.
   */
  public static final class WritesAtShutdown {
    static final String WRITE = "write";
    static final String LEAVE_OPEN = "leave-open";
    static final String READY = "ready";
    static final String WRITTEN = "written";

    public static void main(String[] args) throws Exception {
      Database db =
          Database.open(
              new DatabaseSettings(null, null, null, Path.of(args[0])), Duration.ofSeconds(3));
      if (args[1].equals(LEAVE_OPEN)) {
        System.out.println(READY);
        Thread.sleep(Long.MAX_VALUE);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      // the operator stops its reconcilers and collectors before the last writes
                      Thread.sleep(1_000);
                      try (Connection c = db.dataSource().getConnection();
                          Statement s = c.createStatement()) {
                        s.execute("CREATE TABLE shutdown_probe (note text)");
                        s.execute("INSERT INTO shutdown_probe VALUES ('written at shutdown')");
                      }
                      System.out.println(WRITTEN);
                    } catch (InterruptedException | SQLException e) {
                      System.out.println("failed: " + e);
                    } finally {
                      db.close();
                    }
                  }));
      System.out.println(READY);
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
