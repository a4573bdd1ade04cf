package io.novacron.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Drives {@code e2e/hosts.sh}: local libvirt hosts under one work directory. */
public final class LocalHosts implements AutoCloseable {
  /** What the sandbox guest prints on its serial console once it has booted. */
  public static final String GUEST_BOOTED = "NOVACRON-GUEST-BOOTED";

  /** What the sandbox guest prints on its serial console every second while it runs. */
  public static final String GUEST_HEARTBEAT = "NOVACRON-HEARTBEAT";

  private final Path repo;
  private final Path work;
  private int started;

  public LocalHosts(Path repo, Path work) {
    this.repo = repo;
    this.work = work.toAbsolutePath();
  }

  /** The repository root: the first directory upwards from here holding e2e/hosts.sh. */
  public static Path findRepo() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("e2e/hosts.sh"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "cannot find e2e/hosts.sh above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  public Path work() {
    return work;
  }

  /** Stops whatever an earlier run left behind under this work directory, then starts n hosts. */
  public LocalHosts startClean(int n) {
    run("stop");
    return start(n);
  }

  public LocalHosts start(int n) {
    run("start", Integer.toString(n));
    started = Math.max(started, n);
    return this;
  }

  public String uri(int k) {
    return "qemu+unix:///system?socket=" + hostDir(k).resolve("run/libvirt-sock");
  }

  public Path hostDir(int k) {
    return hostDir("host" + k);
  }

  private Path hostDir(String hostName) {
    return work.resolve("hosts").resolve(hostName);
  }

  public Path guestKernel() {
    return work.resolve("guest/vmlinuz");
  }

  public Path guestInitrd() {
    return work.resolve("guest/initramfs.cpio.gz");
  }

  /** The serial console log of a domain on host k. */
  public Path consoleLog(int k, String domainName) {
    return consoleLog("host" + k, domainName);
  }

  /** The serial console log of a domain on the host a pool names {@code hostName} (host1, ...). */
  public Path consoleLog(String hostName, String domainName) {
    return hostDir(hostName).resolve("log/qemu/" + domainName + "-console.log");
  }

  /** Kills host k's libvirt daemon, leaving its guests running, as a crashed daemon would. */
  public void killDaemon(int k) {
    run("kill-daemon", Integer.toString(k));
  }

  /** Freezes host k's libvirt daemon (SIGSTOP): it accepts connections but never answers. */
  public void freezeDaemon(int k) {
    run("freeze", Integer.toString(k));
  }

  public void thawDaemon(int k) {
    run("thaw", Integer.toString(k));
  }

  public void startHost(int k) {
    run("start-one", Integer.toString(k));
  }

  @Override
  public void close() {
    run("stop");
  }

  private void run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(repo.resolve("e2e/hosts.sh").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
    pb.environment().put("NOVACRON_WORK", work.toString());
    try {
      int rc = pb.start().waitFor();
      if (rc != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited with " + rc);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }
}
