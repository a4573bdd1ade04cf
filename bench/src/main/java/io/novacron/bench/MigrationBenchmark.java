package io.novacron.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.novacron.crds.vm.BootSpec;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineSpec;
import io.novacron.operator.domain.DomainSettings;
import io.novacron.operator.domain.DomainXmlRenderer;
import io.novacron.operator.libvirt.HostConnections;
import io.novacron.operator.libvirt.JobStats;
import io.novacron.operator.libvirt.LibvirtHost;
import io.novacron.operator.libvirt.LiveMigrationCall;
import io.novacron.sandbox.LocalHosts;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Live migrations between two local libvirt/QEMU hosts through the operator's own migration call
 * ({@link LiveMigrationCall}, the code a Migration runs), with figures from libvirt's completed-job
 * statistics on the target. Idle guests with libvirt's default max downtime are the baseline for
 * idle guests with NovaCron's 20 ms; a guest rewriting 32 MiB of memory in a loop is moved under a
 * bandwidth cap plain, with auto-converge and with a switch to post-copy.
 *
 * <p>Usage: bench/run migration [idle-runs (20)] [dirty-runs (5)]
 */
public final class MigrationBenchmark {
  private static final long DIRTY_BANDWIDTH_MIBPS = 16;
  private static final Duration GIVE_UP = Duration.ofSeconds(60);
  private static final Duration POST_COPY_AFTER = Duration.ofSeconds(5);

  private record Outcome(boolean ok, long downtimeMs, long totalMs, long bytes) {}

  private record Scenario(String name, LiveMigrationCall.Options options, Duration postCopyAfter) {}

  public static void main(String[] args) throws Exception {
    int idleRuns = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int dirtyRuns = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    var repo = LocalHosts.findRepo();
    try (LocalHosts hosts =
            new LocalHosts(repo, repo.resolve("bench/target/migration-work")).startClean(2);
        HostConnections connections =
            new HostConnections(Duration.ofSeconds(10), Duration.ofSeconds(2), Clock.systemUTC())) {
      List<String> uris = List.of(hosts.uri(1), hosts.uri(2));
      String idle = bootGuest(connections, hosts, uris.get(0), "idle", "");
      System.out.printf(
          "%-48s %5s %8s %28s %10s %9s%n",
          "scenario", "runs", "success", "downtime ms p50/p95/max", "total p50", "MiB p50");
      run(
          connections,
          uris,
          idle,
          idleRuns,
          new Scenario(
              "idle 128 MiB, libvirt default downtime (baseline)",
              new LiveMigrationCall.Options(false, null, null, false, false, false),
              null));
      run(
          connections,
          uris,
          idle,
          idleRuns,
          new Scenario(
              "idle 128 MiB, NovaCron max downtime 20 ms",
              new LiveMigrationCall.Options(false, null, 20L, false, false, false),
              null));
      // the dirtying guest keeps a CPU busy: it runs alone, after the idle runs
      removeGuest(connections, uris, idle);
      String dirty = bootGuest(connections, hosts, uris.get(0), "dirty", " novacron.dirty=1");
      run(
          connections,
          uris,
          dirty,
          dirtyRuns,
          new Scenario(
              "dirtying, live, 16 MiB/s",
              new LiveMigrationCall.Options(false, DIRTY_BANDWIDTH_MIBPS, 20L, false, false, false),
              null));
      run(
          connections,
          uris,
          dirty,
          dirtyRuns,
          new Scenario(
              "dirtying, live + auto-converge, 16 MiB/s",
              new LiveMigrationCall.Options(false, DIRTY_BANDWIDTH_MIBPS, 20L, true, false, false),
              null));
      run(
          connections,
          uris,
          dirty,
          dirtyRuns,
          new Scenario(
              "dirtying, post-copy after 5 s, 16 MiB/s",
              new LiveMigrationCall.Options(true, DIRTY_BANDWIDTH_MIBPS, 20L, false, false, false),
              POST_COPY_AFTER));
    }
  }

  /** Moves the guest back and forth {@code runs} times and prints one row. */
  private static void run(
      HostConnections connections, List<String> uris, String uuid, int runs, Scenario scenario)
      throws InterruptedException {
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      String from = whereIs(connections, uris, uuid);
      String to = from.equals(uris.get(0)) ? uris.get(1) : uris.get(0);
      outcomes.add(migrateOnce(connections, from, to, uuid, scenario));
    }
    List<Outcome> ok = outcomes.stream().filter(Outcome::ok).toList();
    long[] downtime = ok.stream().mapToLong(Outcome::downtimeMs).sorted().toArray();
    long[] total = ok.stream().mapToLong(Outcome::totalMs).sorted().toArray();
    long[] mib = ok.stream().mapToLong(o -> o.bytes() >> 20).sorted().toArray();
    System.out.printf(
        "%-48s %5d %7.0f%% %28s %8s ms %9s%n",
        scenario.name(),
        runs,
        100.0 * ok.size() / runs,
        pct(downtime, 0.5) + " / " + pct(downtime, 0.95) + " / " + pct(downtime, 1.0),
        pct(total, 0.5),
        pct(mib, 0.5));
  }

  private static Outcome migrateOnce(
      HostConnections connections, String from, String to, String uuid, Scenario scenario)
      throws InterruptedException {
    LibvirtHost source = connections.host(from);
    long start = System.nanoTime();
    CompletableFuture<Void> move =
        CompletableFuture.runAsync(
            () -> LiveMigrationCall.migrate(from, to, uuid, scenario.options()));
    boolean switched = false;
    boolean aborted = false;
    JobStats inFlight = null;
    while (!move.isDone()) {
      Thread.sleep(100);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      try {
        inFlight = source.jobStats(uuid, false);
        if (!switched
            && scenario.postCopyAfter() != null
            && elapsed.compareTo(scenario.postCopyAfter()) > 0) {
          source.startPostCopy(uuid);
          switched = true;
        }
        if (!aborted && elapsed.compareTo(GIVE_UP) > 0) {
          source.abortJob(uuid);
          aborted = true;
        }
      } catch (RuntimeException e) {
        // the job had not begun yet, or just ended: look again
      }
    }
    try {
      move.join();
    } catch (RuntimeException e) {
      return new Outcome(false, 0, 0, 0);
    }
    long wallMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
    JobStats done = JobStats.settled(connections.host(to).jobStats(uuid, true), inFlight);
    return new Outcome(
        true,
        done.downtimeMillis(),
        done.elapsedMillis() < 0 ? wallMs : done.elapsedMillis(),
        done.dataProcessed());
  }

  private static String whereIs(HostConnections connections, List<String> uris, String uuid) {
    for (String uri : uris) {
      if (connections.host(uri).domain(uuid).isPresent()) {
        return uri;
      }
    }
    throw new IllegalStateException("guest " + uuid + " is on neither host");
  }

  private static void removeGuest(HostConnections connections, List<String> uris, String uuid) {
    LibvirtHost host = connections.host(whereIs(connections, uris, uuid));
    host.destroy(uuid);
    host.undefine(uuid);
  }

  private static String bootGuest(
      HostConnections connections, LocalHosts hosts, String uri, String name, String cmdline)
      throws InterruptedException {
    VirtualMachine vm = new VirtualMachine();
    String uid = UUID.randomUUID().toString();
    vm.setMetadata(
        new ObjectMetaBuilder().withNamespace("bench").withName(name).withUid(uid).build());
    VirtualMachineSpec spec = new VirtualMachineSpec();
    spec.nodePool = "bench";
    spec.memory = new Quantity("128Mi");
    spec.boot = new BootSpec();
    spec.boot.kernel = hosts.guestKernel().toString();
    spec.boot.initrd = hosts.guestInitrd().toString();
    spec.boot.cmdline = "console=ttyS0 quiet no_timer_check" + cmdline;
    vm.setSpec(spec);
    LibvirtHost host = connections.host(uri);
    host.define(
        new DomainXmlRenderer(new DomainSettings("qemu", "/var/log/libvirt/qemu")).render(vm));
    host.start(uid);
    Thread.sleep(8000); // boot (about 2 s under TCG) and, for the dirty guest, fill its tmpfs
    return uid;
  }

  private static String pct(long[] sorted, double p) {
    sorted = Arrays.stream(sorted).filter(v -> v >= 0).toArray();
    if (sorted.length == 0) {
      return "-";
    }
    int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
    return Long.toString(sorted[i]);
  }

  private MigrationBenchmark() {}
}
