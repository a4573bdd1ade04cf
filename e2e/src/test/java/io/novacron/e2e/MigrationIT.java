package io.novacron.e2e;

import static io.novacron.e2e.LocalCluster.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.novacron.crds.common.MigrationMode;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.migration.MigrationSpec;
import io.novacron.crds.migration.MigrationStatus;
import io.novacron.crds.migration.MigrationStatus.Phase;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.nodepool.NodePoolSpec;
import io.novacron.crds.nodepool.RebalancingSpec;
import io.novacron.crds.vm.DiskSpec;
import io.novacron.crds.vm.PlacementSpec;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.operator.placement.RebalancePlanner;
import io.novacron.sandbox.LocalHosts;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Migrations between two real local libvirt/QEMU hosts (pool "mig": host1, host2), checked through
 * libvirt and the guests' serial consoles, not only the Migration's status.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationIT {
  static final Duration MOVE = Duration.ofSeconds(120);
  static final String HEARTBEAT = LocalHosts.GUEST_HEARTBEAT;
  static final String DISK_MARK = "NOVACRON-DISK-MARK";

  @BeforeAll
  static void start() {
    LocalCluster.start(
        "e2e/target/migration-work",
        2,
        Map.of("NOVACRON_MIGRATION_PROGRESS_INTERVAL", "1s", "NOVACRON_FORECAST_INTERVAL", "2s"));
    client.resource(pool("mig", 1, 2)).create();
  }

  @AfterAll
  static void stop() {
    LocalCluster.stop();
  }

  @AfterEach
  void deleteEverything() {
    client.resources(Migration.class).inNamespace(NS).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.resources(Migration.class).inNamespace(NS).list().getItems().isEmpty());
    for (VirtualMachine vm :
        client.resources(VirtualMachine.class).inNamespace(NS).list().getItems()) {
      client.resource(vm).delete();
      await().atMost(Duration.ofSeconds(30)).until(() -> client.resource(vm).get() == null);
    }
  }

  @Test
  @Order(1)
  void liveMigrationMovesABootedGuestAndItKeepsBeating() throws IOException {
    VirtualMachine running = bootedVm(vm("live", "mig"));
    String source = running.getStatus().host;
    String target = other(source);
    String uuid = running.getMetadata().getUid();

    submit(migration("live-1", "live", MigrationMode.Live, m -> m));
    Migration done = awaitMigration("live-1", Phase.Succeeded);

    MigrationStatus s = done.getStatus();
    assertThat(s.sourceHost).isEqualTo(source);
    assertThat(s.targetHost).isEqualTo(target);
    assertThat(s.downtimeMillis).isPositive();
    assertThat(s.bytesTransferred).isPositive();
    assertThat(s.durationMillis).isPositive();
    assertThat(s.progress.percent).isEqualTo(100);
    assertThat(Libvirt.running(uri(target), uuid)).isTrue();
    assertThat(Libvirt.state(uri(source), uuid)).as("domain left on the source").isEmpty();
    // the target's console log starts empty: heartbeats there were printed after the move
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> console(hostNumber(target), running).contains(HEARTBEAT));
    VirtualMachine after = awaitVm("live", v -> target.equals(v.getStatus().host));
    awaitPhase("live", VirtualMachineStatus.Phase.Running);
    assertThat(eventReasons("live")).contains("Moved");
    assertThat(eventReasons("live-1")).contains("Started", "Succeeded");
    assertThat(after.getStatus().migration).isNull();
  }

  @Test
  @Order(2)
  void aMemoryDirtyingGuestReportsProgressCanBeCancelledAndCompletesWithPostCopy()
      throws IOException {
    VirtualMachine running = bootedDirtyGuest("dirty");
    String source = running.getStatus().host;
    String uuid = running.getMetadata().getUid();

    submit(migration("slow", "dirty", MigrationMode.Live, MigrationIT::throttled));
    Set<Long> processed = new HashSet<>();
    await()
        .atMost(MOVE)
        .until(
            () -> {
              Migration m = get("slow");
              if (m.getStatus() != null
                  && m.getStatus().progress != null
                  && m.getStatus().progress.bytesProcessed != null) {
                processed.add(m.getStatus().progress.bytesProcessed);
              }
              return processed.size() >= 3;
            });
    assertThat(
            awaitVm("dirty", v -> v.getStatus().phase == VirtualMachineStatus.Phase.Migrating)
                .getStatus()
                .migration)
        .isEqualTo("slow");
    editMigration(
        "slow",
        m -> {
          m.getSpec().cancel = true;
          return m;
        });
    Migration cancelled = awaitMigration("slow", Phase.Cancelled);
    assertThat(cancelled.getStatus().message).contains("keeps running on " + source);
    assertThat(Libvirt.running(uri(source), uuid)).isTrue();
    assertThat(Libvirt.state(uri(other(source)), uuid)).isEmpty();
    awaitPhase("dirty", VirtualMachineStatus.Phase.Running);

    // the same guest at the same bandwidth completes once it switches to post-copy
    submit(
        migration(
            "postcopy",
            "dirty",
            MigrationMode.PostCopy,
            m -> {
              m.getSpec().completionTimeoutSeconds = 6L;
              return throttled(m);
            }));
    Migration moved = awaitMigration("postcopy", Phase.Succeeded);
    assertThat(moved.getStatus().postCopyStarted).isTrue();
    assertThat(eventReasons("postcopy")).contains("PostCopyStarted");
    String target = other(source);
    assertThat(Libvirt.running(uri(target), uuid)).isTrue();
    assertThat(Libvirt.state(uri(source), uuid)).isEmpty();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> console(hostNumber(target), running).contains(HEARTBEAT));
  }

  @Test
  @Order(3)
  void coldMigrationRebootsTheGuestOnTheTarget() throws IOException {
    VirtualMachine running = bootedVm(vm("cold", "mig"));
    String source = running.getStatus().host;
    String target = other(source);
    String uuid = running.getMetadata().getUid();

    submit(migration("cold-1", "cold", MigrationMode.Cold, m -> m));
    Migration done = awaitMigration("cold-1", Phase.Succeeded);

    assertThat(done.getStatus().downtimeMillis).isPositive();
    assertThat(Libvirt.running(uri(target), uuid)).isTrue();
    assertThat(Libvirt.state(uri(source), uuid)).isEmpty();
    await().atMost(BOOT).until(() -> console(hostNumber(target), running).contains(BOOTED));
    awaitVm(
        "cold",
        v ->
            target.equals(v.getStatus().host)
                && v.getStatus().phase == VirtualMachineStatus.Phase.Running);
  }

  @Test
  @Order(4)
  void badRequestsFailWithAReasonAndChangeNothing() {
    VirtualMachine running = bootedVm(vm("steady", "mig"));
    String source = running.getStatus().host;
    String uuid = running.getMetadata().getUid();

    submit(migration("no-vm", "ghost", MigrationMode.Live, m -> m));
    submit(
        migration(
            "outside",
            "steady",
            MigrationMode.Live,
            m -> {
              m.getSpec().targetHost = "host9";
              return m;
            }));
    submit(
        migration(
            "same",
            "steady",
            MigrationMode.Live,
            m -> {
              m.getSpec().targetHost = source;
              return m;
            }));
    submit(
        migration(
            "negative",
            "steady",
            MigrationMode.Live,
            m -> {
              m.getSpec().bandwidthMiBps = -5L;
              return m;
            }));

    assertThat(awaitMigration("no-vm", Phase.Failed).getStatus().failureReason)
        .contains("VirtualMachine 'ghost' does not exist in namespace " + NS);
    assertThat(awaitMigration("outside", Phase.Failed).getStatus().failureReason)
        .contains("target host 'host9' is not in NodePool mig (its hosts: host1, host2)");
    assertThat(awaitMigration("same", Phase.Failed).getStatus().failureReason)
        .contains("target host " + source + " is the VM's current host");
    assertThat(awaitMigration("negative", Phase.Failed).getStatus().failureReason)
        .contains("bandwidthMiBps must be at least 1, got -5");
    assertThat(Libvirt.running(uri(source), uuid)).isTrue();
    assertThat(Libvirt.state(uri(other(source)), uuid)).isEmpty();
    VirtualMachine after = awaitPhase("steady", VirtualMachineStatus.Phase.Running);
    assertThat(after.getStatus().host).isEqualTo(source);
  }

  @Test
  @Order(5)
  void fourMigrationsFromOneHostRunAtMostTwoAtATimeAndAllFinish() {
    List<String> names = List.of("q1", "q2", "q3", "q4");
    runningOnHost1(names);
    for (String name : names) {
      submit(
          migration(
              "move-" + name,
              name,
              MigrationMode.Live,
              m -> {
                m.getSpec().targetHost = "host2";
                return m;
              }));
    }
    List<Migration> done = new ArrayList<>();
    for (String name : names) {
      done.add(awaitMigration("move-" + name, Phase.Succeeded));
    }
    // the slot is held from admission (startTime) to the end (completionTime)
    List<Instant[]> spans =
        done.stream()
            .map(
                m ->
                    new Instant[] {
                      Instant.parse(m.getStatus().startTime),
                      Instant.parse(m.getStatus().completionTime)
                    })
            .toList();
    for (Instant[] s : spans) {
      long overlapping =
          spans.stream().filter(o -> !o[0].isAfter(s[0]) && o[1].isAfter(s[0])).count();
      assertThat(overlapping).as("migrations running when one started").isLessThanOrEqualTo(2);
    }
    assertThat(
            client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "Waiting".equals(e.getReason()))
                .map(e -> e.getMessage()))
        .anyMatch(msg -> msg.contains("outbound migrations running (limit 2)"));
    for (String name : names) {
      assertThat(awaitVm(name, v -> "host2".equals(v.getStatus().host)).getStatus().host)
          .isEqualTo("host2");
    }
  }

  @Test
  @Order(6)
  void aStoppedTargetDaemonFailsTheMigrationAndLeavesTheVmAlone() {
    setMaintenance("host2", true);
    VirtualMachine running = bootedVm(vm("stay", "mig"));
    setMaintenance("host2", false);
    assertThat(running.getStatus().host).isEqualTo("host1");
    hosts.killDaemon(2);
    try {
      submit(
          migration(
              "to-dead",
              "stay",
              MigrationMode.Live,
              m -> {
                m.getSpec().targetHost = "host2";
                return m;
              }));
      Migration failed = awaitMigration("to-dead", Phase.Failed);
      assertThat(failed.getStatus().failureReason).startsWith("NoTarget").contains("not ready");
      assertThat(Libvirt.running(uri("host1"), running.getMetadata().getUid())).isTrue();
      assertThat(awaitPhase("stay", VirtualMachineStatus.Phase.Running).getStatus().host)
          .isEqualTo("host1");
    } finally {
      hosts.startHost(2);
    }
  }

  @Test
  @Order(7)
  void maintenanceEvacuatesTheHostThroughMigrations() {
    List<String> names = List.of("ev1", "ev2");
    runningOnHost1(names);
    setMaintenance("host1", true);

    NodePool evacuated =
        await()
            .atMost(MOVE)
            .until(
                () -> client.resources(NodePool.class).withName("mig").get(),
                p -> {
                  var e = hostStatus(p, "host1").evacuation;
                  return e != null && e.vmsRemaining == 0 && e.migrationsSucceeded == 2;
                });
    assertThat(hostStatus(evacuated, "host1").evacuation.message).isEqualTo("the host is empty");
    for (String name : names) {
      VirtualMachine moved = awaitVm(name, v -> "host2".equals(v.getStatus().host));
      assertThat(Libvirt.running(uri("host2"), moved.getMetadata().getUid())).isTrue();
      assertThat(Libvirt.state(uri("host1"), moved.getMetadata().getUid())).isEmpty();
    }
    List<Migration> evacuations =
        client.resources(Migration.class).inNamespace(NS).list().getItems();
    assertThat(evacuations)
        .extracting(m -> m.getMetadata().getName())
        .containsExactlyInAnyOrder("evacuate-host1-ev1", "evacuate-host1-ev2");
    assertThat(evacuations)
        .allSatisfy(
            m -> {
              assertThat(m.getMetadata().getLabels())
                  .containsEntry("novacron.io/reason", "evacuation")
                  .containsEntry("novacron.io/automatic", "true");
              assertThat(m.getMetadata().getOwnerReferences().get(0).getKind())
                  .isEqualTo("NodePool");
            });
    setMaintenance("host1", false);
    awaitPool("mig", p -> hostStatus(p, "host1").evacuation == null);
  }

  @Test
  @Order(8)
  void aTimedOutOrDeletedLiveMigrationLeavesTheGuestOnItsSource() {
    VirtualMachine running = bootedDirtyGuest("slowpoke");
    String source = running.getStatus().host;
    String uuid = running.getMetadata().getUid();

    submit(
        migration(
            "too-slow",
            "slowpoke",
            MigrationMode.Live,
            m -> {
              m.getSpec().completionTimeoutSeconds = 5L;
              return throttled(m);
            }));
    Migration timedOut = awaitMigration("too-slow", Phase.Failed);
    assertThat(timedOut.getStatus().failureReason)
        .startsWith("CompletionTimeout: not complete after 5s")
        .contains("the VM keeps running on " + source);
    assertThat(Libvirt.running(uri(source), uuid)).isTrue();

    submit(migration("deleted", "slowpoke", MigrationMode.Live, MigrationIT::throttled));
    awaitMigration("deleted", m -> m.getStatus().phase == Phase.Running);
    client.resources(Migration.class).inNamespace(NS).withName("deleted").delete();
    await().atMost(MOVE).until(() -> get("deleted") == null);
    assertThat(Libvirt.running(uri(source), uuid)).isTrue();
    assertThat(Libvirt.state(uri(other(source)), uuid)).isEmpty();
    assertThat(awaitPhase("slowpoke", VirtualMachineStatus.Phase.Running).getStatus().host)
        .isEqualTo(source);
  }

  @Test
  @Order(9)
  void withLocalStorageALiveMigrationCopiesTheDisk() throws IOException {
    // /var/lib/libvirt is private to each host here: a disk there is truly local to its host
    Path image = hosts.hostDir(1).resolve("lib/images/disky-data.raw");
    Files.createDirectories(image.getParent());
    Files.deleteIfExists(hosts.hostDir(2).resolve("lib/images/disky-data.raw"));
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(16 << 20);
      f.write(DISK_MARK.getBytes(StandardCharsets.US_ASCII));
    }
    setStorage(NodePoolSpec.Storage.Local);
    try {
      setMaintenance("host2", true);
      VirtualMachine disky = vm("disky", "mig");
      DiskSpec disk = new DiskSpec();
      disk.name = "data";
      disk.path = "/var/lib/libvirt/images/disky-data.raw";
      disk.format = DiskSpec.Format.raw;
      disky.getSpec().disks.add(disk);
      VirtualMachine running = bootedVm(disky);
      setMaintenance("host2", false);
      assertThat(running.getStatus().host).isEqualTo("host1");

      submit(migration("cold-disk", "disky", MigrationMode.Cold, m -> m));
      assertThat(awaitMigration("cold-disk", Phase.Failed).getStatus().failureReason)
          .contains("Local storage: a Cold migration cannot copy the VM's disks");

      submit(migration("with-disk", "disky", MigrationMode.Live, m -> m));
      awaitMigration("with-disk", Phase.Succeeded);
      Path copied = hosts.hostDir(2).resolve("lib/images/disky-data.raw");
      byte[] head = new byte[DISK_MARK.length()];
      try (RandomAccessFile f = new RandomAccessFile(copied.toFile(), "r")) {
        f.readFully(head);
        assertThat(f.length()).isEqualTo(16 << 20);
      }
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo(DISK_MARK);
      assertThat(Libvirt.running(uri("host2"), running.getMetadata().getUid())).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> console(2, running).contains(HEARTBEAT));
    } finally {
      setStorage(NodePoolSpec.Storage.Shared);
    }
  }

  @Test
  @Order(10)
  void anOperatorRestartedDuringAMoveEndsItAndSaysWhereTheVmIs() throws IOException {
    VirtualMachine running = bootedDirtyGuest("survivor");
    String source = running.getStatus().host;
    String uuid = running.getMetadata().getUid();
    submit(migration("interrupted", "survivor", MigrationMode.Live, MigrationIT::throttled));
    awaitMigration(
        "interrupted",
        m ->
            m.getStatus().phase == Phase.Running
                && m.getStatus().progress != null
                && m.getStatus().progress.percent > 0);

    LocalCluster.restartOperator(); // the libvirt job runs on while no operator watches it

    Migration ended = awaitMigration("interrupted", Phase.Failed);
    assertThat(ended.getStatus().failureReason)
        .isEqualTo(
            "OperatorRestarted: the operator restarted during the move; the VM keeps running on "
                + source);
    assertThat(Libvirt.running(uri(source), uuid)).isTrue();
    await().atMost(MOVE).until(() -> Libvirt.state(uri(other(source)), uuid).isEmpty());
    VirtualMachine after = awaitPhase("survivor", VirtualMachineStatus.Phase.Running);
    assertThat(after.getStatus().host).isEqualTo(source);
    // the guest still beats on its source: new heartbeats after the move ended
    long beats =
        console(hostNumber(source), after).lines().filter(l -> l.contains(HEARTBEAT)).count();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                console(hostNumber(source), after)
                        .lines()
                        .filter(l -> l.contains(HEARTBEAT))
                        .count()
                    > beats);
  }

  @Test
  @Order(11)
  void aHostCrowdedWithBurningGuestsGetsARecommendationThatFullAutomationCarriesOut() {
    // two guests burning a CPU each and an idle one, all on host1 (2 CPUs); host2 is empty.
    // With one burner only, no move could lower host1's load without raising host2's as much.
    // The idle one is pinned: on a busy machine its CPU readings spike, and before a model is
    // trained the last reading is its forecast, which once made it the VM worth moving (CI).
    runningOnHost1(
        List.of("burn-1", "burn-2", "calm"),
        v -> v.getMetadata().getName().equals("calm") ? pinned(v, "host1") : burning(v));
    editPool(
        p -> {
          p.getSpec().rebalancing.interval = "3s";
          p.getSpec().rebalancing.threshold = 3;
          // the scenario is one move: on a saturated CI machine both burners once read low enough
          // that a round of the default five moves sent both to host2 at once
          p.getSpec().rebalancing.limits.perPool = 1;
          return p;
        });

    NodePool recommended =
        awaitPool(
            "mig",
            p ->
                p.getStatus().recommendations.stream()
                    .anyMatch(r -> r.vm.contains("burn-") && "host2".equals(r.toHost)));
    var move =
        recommended.getStatus().recommendations.stream()
            .filter(r -> r.vm.contains("burn-"))
            .findFirst()
            .orElseThrow();
    assertThat(move.fromHost).isEqualTo("host1");
    assertThat(move.expectedGain).isGreaterThanOrEqualTo(RebalancePlanner.minimumGain(3));
    String name = move.vm.substring(move.vm.indexOf('/') + 1);
    VirtualMachine advised = awaitVm(name, v -> v.getStatus().recommendation != null);
    assertThat(advised.getStatus().recommendation.targetHost).isEqualTo("host2");
    assertThat(advised.getStatus().recommendation.reason).contains("host1");
    assertThat(advised.getStatus().host).as("Manual only recommends").isEqualTo("host1");
    assertThat(client.resources(Migration.class).inNamespace(NS).list().getItems()).isEmpty();

    setAutomation(RebalancingSpec.Automation.Full);
    Migration automatic =
        await()
            .atMost(MOVE)
            .until(
                () -> client.resources(Migration.class).inNamespace(NS).list().getItems(),
                ms -> !ms.isEmpty())
            .get(0);
    assertThat(automatic.getMetadata().getLabels()).containsEntry("novacron.io/automatic", "true");
    assertThat(automatic.getSpec().vmName).startsWith("burn-");
    Migration done = awaitMigration(automatic.getMetadata().getName(), Phase.Succeeded);
    String moved = done.getSpec().vmName;
    VirtualMachine after = awaitVm(moved, v -> "host2".equals(v.getStatus().host));
    assertThat(Libvirt.running(uri("host2"), after.getMetadata().getUid())).isTrue();
    // balanced now, and the moved VM cools down: the recommendation is gone and stays gone
    awaitPool("mig", p -> p.getStatus().recommendations.isEmpty());
    awaitVm(moved, v -> v.getStatus().recommendation == null);
    assertThat(client.resources(Migration.class).inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  @Order(12)
  void partialAutomationPlacesANewVmByForecastLoadWhereAllocationAloneWouldNot() {
    // host1 holds one burning guest, host2 two idle ones: by allocation host1 has more room, by
    // forecast load host2 is the quieter host
    setAutomation(RebalancingSpec.Automation.Manual);
    create(pinned(burning(vm("burn-1", "mig")), "host1"));
    create(pinned(vm("calm-1", "mig"), "host2"));
    create(pinned(vm("calm-2", "mig"), "host2"));
    awaitVm("burn-1", v -> forecastCpu(v) > 60);
    awaitVm("calm-1", v -> forecastCpu(v) < 30);
    awaitVm("calm-2", v -> forecastCpu(v) < 30);

    assertThat(placedHost("by-allocation"))
        .as("Manual places by allocation: host1 has the most room")
        .isEqualTo("host1");
    deleteVm("by-allocation");

    setAutomation(RebalancingSpec.Automation.Partial);
    assertThat(placedHost("by-forecast"))
        .as("Partial places on the host with the lowest forecast CPU load")
        .isEqualTo("host2");
    assertThat(client.resources(Migration.class).inNamespace(NS).list().getItems())
        .as("Partial never migrates")
        .isEmpty();
  }

  // ---- helpers ----

  static void setAutomation(RebalancingSpec.Automation automation) {
    editPool(
        p -> {
          p.getSpec().rebalancing.automation = automation;
          return p;
        });
  }

  static VirtualMachine pinned(VirtualMachine vm, String host) {
    vm.getSpec().memory = new Quantity("96Mi");
    vm.getSpec().placement = new PlacementSpec();
    vm.getSpec().placement.pinnedHost = host;
    return vm;
  }

  /** The first forecast CPU %, or NaN before the VM has a forecast. */
  static double forecastCpu(VirtualMachine vm) {
    var f = vm.getStatus().forecast;
    return f == null || f.cpuPercent.isEmpty() ? Double.NaN : f.cpuPercent.get(0);
  }

  /** Creates a small idle VM without a host preference and returns the host it runs on. */
  static String placedHost(String name) {
    VirtualMachine v = vm(name, "mig");
    v.getSpec().memory = new Quantity("96Mi");
    create(v);
    return awaitPhase(name, VirtualMachineStatus.Phase.Running).getStatus().host;
  }

  static void deleteVm(String name) {
    client.resources(VirtualMachine.class).inNamespace(NS).withName(name).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client.resources(VirtualMachine.class).inNamespace(NS).withName(name).get()
                    == null);
  }

  static void setStorage(NodePoolSpec.Storage storage) {
    editPool(
        p -> {
          p.getSpec().storage = storage;
          return p;
        });
  }

  /** Edits the pool, again when the operator's status write got in between (409). */
  static void editPool(UnaryOperator<NodePool> change) {
    retryingConflicts(() -> client.resources(NodePool.class).withName("mig").edit(change));
  }

  /** Small VMs, all running on host1 (host2 is in maintenance while they are placed). */
  static void runningOnHost1(List<String> names) {
    runningOnHost1(names, UnaryOperator.identity());
  }

  static void runningOnHost1(List<String> names, UnaryOperator<VirtualMachine> tweak) {
    setMaintenance("host2", true);
    for (String name : names) {
      VirtualMachine v = vm(name, "mig");
      v.getSpec().memory = new Quantity("96Mi");
      create(tweak.apply(v));
    }
    for (String name : names) {
      assertThat(awaitPhase(name, VirtualMachineStatus.Phase.Running).getStatus().host)
          .isEqualTo("host1");
    }
    setMaintenance("host2", false);
  }

  /** A booted guest that rewrites its memory all the time (a tmpfs loop in its init). */
  static VirtualMachine bootedDirtyGuest(String name) {
    VirtualMachine dirty = vm(name, "mig");
    dirty.getSpec().boot.cmdline = GUEST_CMDLINE + " novacron.dirty=1";
    return bootedVm(dirty);
  }

  /** Guests named burn-* keep one CPU busy (a loop in their init). */
  static VirtualMachine burning(VirtualMachine vm) {
    if (vm.getMetadata().getName().startsWith("burn-")) {
      vm.getSpec().boot.cmdline = GUEST_CMDLINE + " novacron.burn=1";
    }
    return vm;
  }

  /** 2 MiB/s: slower than a dirtying guest rewrites its memory, so the move never converges. */
  static Migration throttled(Migration m) {
    m.getSpec().bandwidthMiBps = 2L;
    return m;
  }

  static VirtualMachine bootedVm(VirtualMachine vm) {
    create(vm);
    VirtualMachine running =
        awaitPhase(vm.getMetadata().getName(), VirtualMachineStatus.Phase.Running);
    awaitConsole(hostNumber(running.getStatus().host), running, HEARTBEAT);
    return running;
  }

  static Migration migration(
      String name, String vm, MigrationMode mode, UnaryOperator<Migration> tweak) {
    Migration m = new Migration();
    m.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
    m.setSpec(new MigrationSpec());
    m.getSpec().vmName = vm;
    m.getSpec().mode = mode;
    return tweak.apply(m);
  }

  static void submit(Migration m) {
    client.resource(m).create();
  }

  static Migration get(String name) {
    return client.resources(Migration.class).inNamespace(NS).withName(name).get();
  }

  static void editMigration(String name, UnaryOperator<Migration> change) {
    retryingConflicts(
        () -> client.resources(Migration.class).inNamespace(NS).withName(name).edit(change));
  }

  static Migration awaitMigration(String name, Phase phase) {
    return awaitMigration(name, m -> m.getStatus().phase == phase);
  }

  static Migration awaitMigration(String name, Predicate<Migration> p) {
    try {
      return await()
          .atMost(MOVE)
          .until(() -> get(name), m -> m != null && m.getStatus() != null && p.test(m));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage()
              + "\nMigration now: "
              + client.getKubernetesSerialization().asYaml(get(name)),
          e);
    }
  }

  static void setMaintenance(String host, boolean on) {
    editPool(
        p -> {
          p.getSpec().hosts.stream()
              .filter(h -> h.name.equals(host))
              .forEach(h -> h.maintenance = on);
          return p;
        });
    awaitPool("mig", p -> hostStatus(p, host).maintenance == on);
  }

  static String other(String host) {
    return "host1".equals(host) ? "host2" : "host1";
  }

  static int hostNumber(String host) {
    return Integer.parseInt(host.substring("host".length()));
  }
}
