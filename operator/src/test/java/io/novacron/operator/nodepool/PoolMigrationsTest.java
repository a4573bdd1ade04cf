package io.novacron.operator.nodepool;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.novacron.crds.common.MigrationMode;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.migration.MigrationSpec;
import io.novacron.crds.migration.MigrationStatus;
import io.novacron.crds.nodepool.HostSpec;
import io.novacron.crds.nodepool.HostStatus;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.nodepool.NodePoolSpec;
import io.novacron.crds.nodepool.NodePoolStatus.MoveRecommendation;
import io.novacron.crds.nodepool.RebalancingSpec;
import io.novacron.crds.vm.MigrationPreferences;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineSpec;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.operator.kube.EventRecorder;
import io.novacron.policy.testing.MockApi;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Migrations a pool creates on its own, created for real on the mock API server. */
class PoolMigrationsTest {
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  static final Duration SETTLE = Duration.ofMinutes(3);

  MockApi api;
  KubernetesClient client;
  PoolMigrations automatic;
  NodePool pool;

  @BeforeEach
  void start() {
    api = MockApi.start();
    client = api.client();
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    automatic = new PoolMigrations(new EventRecorder(client, clock), clock, SETTLE);
    pool = new NodePool();
    pool.setMetadata(new ObjectMetaBuilder().withName("p").build());
    pool.setSpec(new NodePoolSpec());
    for (String name : List.of("h1", "h2")) {
      HostSpec h = new HostSpec();
      h.name = name;
      h.uri = "test:///default";
      pool.getSpec().hosts.add(h);
    }
    pool.getSpec().rebalancing = new RebalancingSpec();
    pool = client.resource(pool).create();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void aHostInMaintenanceGetsOneMigrationPerVmAndItsProgress() {
    List<VirtualMachine> placed =
        List.of(
            vm("a", "h1", VirtualMachineStatus.Phase.Running),
            vm("b", "h1", VirtualMachineStatus.Phase.Stopped),
            vm("c", "h2", VirtualMachineStatus.Phase.Running));
    List<HostStatus> hosts = List.of(host("h1", true), host("h2", false));

    automatic.evacuate(pool, hosts, placed, List.of(), client);

    List<Migration> created = migrations();
    assertThat(created)
        .extracting(m -> m.getMetadata().getName() + ":" + m.getSpec().mode)
        .containsExactlyInAnyOrder("evacuate-h1-a:Live", "evacuate-h1-b:Cold");
    assertThat(created.get(0).getMetadata().getOwnerReferences().get(0).getUid())
        .isEqualTo(pool.getMetadata().getUid());
    assertThat(hosts.get(0).evacuation.vmsRemaining).isEqualTo(2);
    assertThat(hosts.get(0).evacuation.migrationsPending).isEqualTo(0);
    assertThat(hosts.get(1).evacuation).isNull();

    // the next round sees its Migrations (one failed) and creates none again
    List<Migration> seen = new ArrayList<>(created);
    seen.get(0).setStatus(new MigrationStatus());
    seen.get(0).getStatus().phase = MigrationStatus.Phase.Failed;
    seen.get(0).getStatus().failureReason = "NoTarget: no host fits";
    automatic.evacuate(pool, hosts, placed, seen, client);
    assertThat(migrations()).hasSize(2);
    assertThat(hosts.get(0).evacuation.migrationsFailed).isEqualTo(1);
    assertThat(hosts.get(0).evacuation.migrationsPending).isEqualTo(1);
    assertThat(hosts.get(0).evacuation.message)
        .contains("2 VM(s) still on the host", "failed:", "NoTarget");
  }

  @Test
  void fullAutomationCreatesMigrationsWithinTheHourlyBudget() {
    pool.getSpec().rebalancing.limits.perHour = 1;
    VirtualMachine a = vm("a", "h1", VirtualMachineStatus.Phase.Running);
    VirtualMachine b = vm("b", "h1", VirtualMachineStatus.Phase.Running);
    VirtualMachine coldOnly = vm("cold", "h1", VirtualMachineStatus.Phase.Running);
    coldOnly.getSpec().migration = new MigrationPreferences();
    coldOnly.getSpec().migration.allowedModes = List.of(MigrationMode.Cold);

    automatic.rebalance(
        pool,
        List.of(move("cold"), move("a"), move("b")),
        List.of(a, b, coldOnly),
        List.of(),
        client);

    List<Migration> created = migrations();
    assertThat(created).hasSize(1);
    Migration m = created.get(0);
    assertThat(m.getSpec().vmName).isEqualTo("a");
    assertThat(m.getSpec().targetHost).isEqualTo("h2");
    assertThat(m.getMetadata().getLabels())
        .containsEntry("novacron.io/reason", "rebalance")
        .containsEntry("novacron.io/automatic", "true")
        .containsEntry("novacron.io/pool", "p");
  }

  /**
   * One round at a time: while the pool's last rebalancing move is under way, or ended less than
   * the settle time ago, no new one starts; a user's Migration, or a finished one without an end
   * time, does not hold the pool back.
   */
  @Test
  void fullAutomationWaitsForTheLastMoveToSettle() {
    VirtualMachine b = vm("b", "h1", VirtualMachineStatus.Phase.Running);
    Migration running = rebalancing("a", MigrationStatus.Phase.Running, null);
    Migration justDone =
        rebalancing("a", MigrationStatus.Phase.Succeeded, NOW.minus(SETTLE).plusSeconds(1));
    Migration longDone =
        rebalancing("a", MigrationStatus.Phase.Succeeded, NOW.minus(SETTLE).minusSeconds(1));
    Migration byUser = migrationOf("c", MigrationStatus.Phase.Running, null);
    Migration endless = rebalancing("d", MigrationStatus.Phase.Failed, null);

    for (Migration unsettled : List.of(running, justDone)) {
      automatic.rebalance(pool, List.of(move("b")), List.of(b), List.of(unsettled), client);
      assertThat(migrations()).as(unsettled.getStatus().phase.toString()).isEmpty();
    }
    automatic.rebalance(
        pool, List.of(move("b")), List.of(b), List.of(longDone, byUser, endless), client);
    assertThat(migrations()).extracting(m -> m.getSpec().vmName).containsExactly("b");
  }

  private static Migration rebalancing(String vm, MigrationStatus.Phase phase, Instant ended) {
    Migration m = migrationOf(vm, phase, ended);
    m.getMetadata().setLabels(Map.of("novacron.io/reason", "rebalance"));
    return m;
  }

  @Test
  void recentlyMovedVmsCoolDownOnTheHostTheMovePutsThemOn() {
    Migration done = migrationOf("old", MigrationStatus.Phase.Succeeded, NOW.minusSeconds(3600));
    Migration recent = migrationOf("recent", MigrationStatus.Phase.Succeeded, NOW.minusSeconds(60));
    recent.getStatus().targetHost = "h2";
    Migration failed = migrationOf("failed", MigrationStatus.Phase.Failed, NOW.minusSeconds(60));
    failed.getStatus().targetHost = "h2";
    Migration running = migrationOf("running", MigrationStatus.Phase.Running, null);
    running.getStatus().targetHost = "h2";
    Migration created = migrationOf("created", null, null); // no status written yet
    created.setStatus(null);
    created.getSpec().targetHost = "h3";
    Migration ofEarlierVm = migrationOf("recreated", MigrationStatus.Phase.Running, null);
    ofEarlierVm.getStatus().vmUid = "uid-of-the-deleted-recreated";
    ofEarlierVm.getStatus().targetHost = "h2";
    List<VirtualMachine> vms =
        List.of(
            vm("recent", "h1", VirtualMachineStatus.Phase.Running),
            vm("recreated", "h1", VirtualMachineStatus.Phase.Running));
    assertThat(
            PoolMigrations.recentlyMoved(
                List.of(done, recent, failed, running, created, ofEarlierVm),
                vms,
                NOW.minusSeconds(15 * 60)))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "ns/recent", Optional.of("h2"),
                "ns/failed", Optional.empty(),
                "ns/running", Optional.of("h2"),
                "ns/created", Optional.of("h3")));
  }

  @Test
  void aPoolsMigrationsAreItsOwnFromCreationAndOthersOnceTheirStatusNamesIt() {
    Migration created = migrationOf("created", null, null); // made by the pool, no status yet
    created.setStatus(null);
    created.getMetadata().setLabels(Map.of("novacron.io/pool", "p"));
    Migration byStatus = migrationOf("user-made", MigrationStatus.Phase.Running, null);
    byStatus.getStatus().nodePool = "p";
    Migration unresolved = migrationOf("unresolved", null, null); // user-made, no status yet
    unresolved.setStatus(null);
    Migration elsewhere = migrationOf("elsewhere", MigrationStatus.Phase.Running, null);
    elsewhere.getStatus().nodePool = "q";

    assertThat(PoolMigrations.belongsTo("p", created)).isTrue();
    assertThat(PoolMigrations.belongsTo("p", byStatus)).isTrue();
    assertThat(PoolMigrations.belongsTo("p", unresolved)).isFalse();
    assertThat(PoolMigrations.belongsTo("p", elsewhere)).isFalse();
    assertThat(PoolMigrations.belongsTo("q", created)).isFalse();
  }

  List<Migration> migrations() {
    return client.resources(Migration.class).inNamespace("ns").list().getItems();
  }

  /** A Migration of VM {@code vm} in namespace "ns" (its UID "uid-" + vm). */
  static Migration migrationOf(String vm, MigrationStatus.Phase phase, Instant completed) {
    Migration m = new Migration();
    m.setMetadata(new ObjectMetaBuilder().withName(vm).withNamespace("ns").build());
    m.setSpec(new MigrationSpec());
    m.getSpec().vmName = vm;
    m.setStatus(new MigrationStatus());
    m.getStatus().vmUid = "uid-" + vm;
    m.getStatus().phase = phase;
    m.getStatus().completionTime = completed == null ? null : completed.toString();
    return m;
  }

  static MoveRecommendation move(String vm) {
    MoveRecommendation r = new MoveRecommendation();
    r.vm = "ns/" + vm;
    r.fromHost = "h1";
    r.toHost = "h2";
    r.reason = "h1 forecast above the ceiling";
    return r;
  }

  static HostStatus host(String name, boolean maintenance) {
    HostStatus h = new HostStatus();
    h.name = name;
    h.maintenance = maintenance;
    return h;
  }

  static VirtualMachine vm(String name, String host, VirtualMachineStatus.Phase phase) {
    VirtualMachine vm = new VirtualMachine();
    vm.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace("ns").withUid("uid-" + name).build());
    vm.setSpec(new VirtualMachineSpec());
    vm.getSpec().nodePool = "p";
    vm.getSpec().memory = new Quantity("128Mi");
    vm.setStatus(new VirtualMachineStatus());
    vm.getStatus().host = host;
    vm.getStatus().phase = phase;
    return vm;
  }
}
