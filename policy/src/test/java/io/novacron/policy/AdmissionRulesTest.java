package io.novacron.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.novacron.crds.common.MigrationMode;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.migration.MigrationSpec;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.vm.PlacementSpec;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.policy.AdmissionRequest.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionRulesTest {
  static final String POLICY =
      """
      namespaces:
      - names: [team-a]
        allowedNodePools: [pool-a]
        maxVcpusPerVm: 8
        maxMemoryPerVm: 4Gi
        quota: {vcpus: 32, memory: 16Gi, vms: 5}
        allowedBootPathPrefixes: [/images/]
        allowedMigrationModes: [Live]
      - matchLabels: {tier: gold}
        quota: {vcpus: 2}
      """;

  final List<VirtualMachine> stored = new ArrayList<>();
  final ClusterView cluster =
      new ClusterView() {
        @Override
        public List<VirtualMachine> virtualMachines(String namespace) {
          return stored.stream()
              .filter(v -> namespace.equals(v.getMetadata().getNamespace()))
              .toList();
        }

        @Override
        public List<VirtualMachine> virtualMachinesInPool(String pool) {
          return stored.stream().filter(v -> pool.equals(v.getSpec().nodePool)).toList();
        }

        @Override
        public Map<String, String> namespaceLabels(String namespace) {
          return namespace.equals("gold-ns") ? Map.of("tier", "gold") : Map.of();
        }
      };
  final AdmissionRules rules = new AdmissionRules(() -> PolicyFile.parse(POLICY));

  static VirtualMachine vm(String ns, String name, int vcpus) {
    VirtualMachine vm = TestVms.vm(ns, name, "pool-a");
    vm.getSpec().vcpus = vcpus;
    vm.getSpec().boot.kernel = "/images/vmlinuz";
    vm.getSpec().boot.initrd = "/images/initrd";
    return vm;
  }

  Verdict create(VirtualMachine vm) {
    return rules.review(
        new AdmissionRequest(Operation.CREATE, vm.getMetadata().getNamespace(), vm, null), cluster);
  }

  @Test
  void aVmWithinEveryLimitIsAllowed() {
    assertThat(create(vm("team-a", "web", 4)).allowed()).isTrue();
  }

  @Test
  void denialsNameTheRuleAndTheLimit() {
    VirtualMachine otherPool = vm("team-a", "web", 2);
    otherPool.getSpec().nodePool = "pool-b";
    assertThat(create(otherPool))
        .extracting(Verdict::rule, Verdict::message)
        .containsExactly(
            "allowed-node-pools",
            "namespace team-a may use NodePools [pool-a]; VirtualMachine web asks for pool-b");

    assertThat(create(vm("team-a", "big", 12)).message())
        .isEqualTo(
            "VirtualMachine big would have 12 vCPUs; namespace team-a allows at most 8 per VM");

    VirtualMachine fat = vm("team-a", "fat", 1);
    fat.getSpec().memory = new Quantity("8Gi");
    assertThat(create(fat).message()).contains("8192Mi of memory", "at most 4Gi per VM");

    VirtualMachine foreignKernel = vm("team-a", "k", 1);
    foreignKernel.getSpec().boot.kernel = "/etc/shadow";
    assertThat(create(foreignKernel))
        .extracting(Verdict::rule, Verdict::message)
        .containsExactly(
            "allowed-boot-paths",
            "VirtualMachine k uses /etc/shadow; namespace team-a may only use paths under [/images/]");

    VirtualMachine broken = vm("team-a", "b", 0);
    assertThat(create(broken))
        .extracting(Verdict::rule, Verdict::message)
        .containsExactly("spec", "VirtualMachine team-a/b: spec.vcpus must be at least 1");
  }

  @Test
  void quotasCountTheNamespacesVmsAcrossCreatesUpdatesAndDeletes() {
    for (int i = 0; i < 4; i++) {
      stored.add(vm("team-a", "vm" + i, 8));
    }
    assertThat(create(vm("team-a", "one-more", 2)).message())
        .isEqualTo("namespace team-a would use 34 vCPUs, quota is 32");
    stored.add(vm("other-ns", "elsewhere", 8)); // other namespaces do not count
    assertThat(create(vm("team-a", "zero-more", 1)).message())
        .isEqualTo("namespace team-a would use 33 vCPUs, quota is 32");

    // an update is counted without the VM's old size; growing past the quota is denied ...
    VirtualMachine grown = vm("team-a", "vm0", 8);
    grown.getSpec().memory = new Quantity("4Gi");
    VirtualMachine old = stored.get(0);
    assertThat(update(grown, old).allowed()).isTrue(); // 32 vCPUs: at the quota, not past it
    stored.set(0, vm("team-a", "vm0", 4));
    VirtualMachine regrow = vm("team-a", "vm0", 5);
    assertThat(update(regrow, stored.get(0)).allowed()).isTrue(); // 29 vCPUs
    stored.set(0, vm("team-a", "vm0", 8));
    stored.add(vm("team-a", "vm4", 1));
    VirtualMachine beyond = vm("team-a", "vm4", 2);
    assertThat(update(beyond, stored.get(stored.size() - 1)).message())
        .isEqualTo("namespace team-a would use 34 vCPUs, quota is 32");
    // ... shrinking while over quota is not
    VirtualMachine shrunk = vm("team-a", "vm4", 1);
    stored.set(stored.size() - 1, vm("team-a", "vm4", 3));
    assertThat(update(shrunk, stored.get(stored.size() - 1)).allowed()).isTrue();

    // a delete frees its share
    stored.removeIf(v -> v.getMetadata().getName().equals("vm3"));
    assertThat(create(vm("team-a", "after-delete", 5)).allowed()).isTrue();

    // VM count: 5 stored (vm0, vm1, vm2, vm4, and one more) is the quota
    stored.add(vm("team-a", "fifth", 1));
    assertThat(create(vm("team-a", "sixth", 1)).message())
        .isEqualTo("namespace team-a would have 6 VMs, quota is 5");
  }

  @Test
  void namespacesAreMatchedByLabelsToo() {
    assertThat(create(vm("gold-ns", "x", 3)).message())
        .isEqualTo("namespace gold-ns would use 3 vCPUs, quota is 2");
    assertThat(create(vm("free-ns", "x", 64)).allowed()).isTrue();
  }

  @Test
  void poolAndBackendOfAnExistingVmCannotChange() {
    VirtualMachine before = vm("free-ns", "web", 1);
    VirtualMachine after = vm("free-ns", "web", 1);
    after.getSpec().nodePool = "pool-b";
    assertThat(update(after, before))
        .extracting(Verdict::rule, Verdict::message)
        .containsExactly(
            "immutable-placement",
            "spec.nodePool of an existing VirtualMachine cannot change (pool-a -> pool-b); create a"
                + " new VirtualMachine in the other pool");
  }

  @Test
  void migrationsMustNameAVmOfTheirNamespaceAndAnAllowedMode() {
    stored.add(vm("team-a", "web", 1));
    assertThat(reviewMigration(migration("team-a", "web", MigrationMode.Live)).allowed()).isTrue();
    assertThat(reviewMigration(migration("team-a", "web", MigrationMode.Cold)).message())
        .isEqualTo("namespace team-a allows migration modes [Live]; Migration m asks for Cold");
    assertThat(reviewMigration(migration("free-ns", "web", MigrationMode.Live)))
        .extracting(Verdict::rule, Verdict::message)
        .containsExactly(
            "migration-vm",
            "Migration free-ns/m names VirtualMachine web, which does not exist in namespace"
                + " free-ns");
    Migration negative = migration("team-a", "web", MigrationMode.Live);
    negative.getSpec().bandwidthMiBps = -1L;
    assertThat(reviewMigration(negative).message())
        .isEqualTo("Migration team-a/m: bandwidthMiBps must be at least 1, got -1");
  }

  @Test
  void aPoolWithVmsCannotBeDeleted() {
    NodePool pool = TestVms.pool("pool-a", "h1", "qemu:///system");
    AdmissionRequest delete = new AdmissionRequest(Operation.DELETE, null, null, pool);
    assertThat(rules.review(delete, cluster).allowed()).isTrue();
    stored.add(vm("team-a", "web", 1));
    assertThat(rules.review(delete, cluster))
        .extracting(Verdict::rule, Verdict::message)
        .containsExactly(
            "pool-in-use",
            "NodePool pool-a still has 1 VirtualMachine(s) (team-a/web); delete them first");
  }

  @Test
  void poolSpecsAreCheckedAndABadHostEntryIsOnlyAWarning() {
    NodePool pool = TestVms.pool("p", "h1", "qemu:///system", "h2", "https://not-libvirt");
    Verdict withBadHost =
        rules.review(new AdmissionRequest(Operation.CREATE, null, pool, null), cluster);
    assertThat(withBadHost.allowed()).isTrue();
    assertThat(withBadHost.warnings()).singleElement().asString().startsWith("NodePool p: ");
    pool.getSpec().rebalancing.threshold = 9;
    assertThat(rules.review(new AdmissionRequest(Operation.UPDATE, null, pool, pool), cluster))
        .extracting(Verdict::rule, Verdict::message)
        .containsExactly("spec", "NodePool p: rebalancing.threshold must be between 1 and 5");
  }

  @Test
  void riskySettingsAreWarnedAbout() {
    VirtualMachine pinned = vm("free-ns", "p", 1);
    pinned.getSpec().placement = new PlacementSpec();
    pinned.getSpec().placement.pinnedHost = "h1";
    Verdict v = create(pinned);
    assertThat(v.allowed()).isTrue();
    assertThat(v.warnings()).singleElement().asString().contains("pinnedHost h1");
  }

  Verdict update(VirtualMachine now, VirtualMachine before) {
    return rules.review(
        new AdmissionRequest(Operation.UPDATE, now.getMetadata().getNamespace(), now, before),
        cluster);
  }

  Verdict reviewMigration(Migration m) {
    return rules.review(
        new AdmissionRequest(Operation.CREATE, m.getMetadata().getNamespace(), m, null), cluster);
  }

  static Migration migration(String ns, String vmName, MigrationMode mode) {
    Migration m = new Migration();
    m.getMetadata().setNamespace(ns);
    m.getMetadata().setName("m");
    m.setSpec(new MigrationSpec());
    m.getSpec().vmName = vmName;
    m.getSpec().mode = mode;
    return m;
  }
}
