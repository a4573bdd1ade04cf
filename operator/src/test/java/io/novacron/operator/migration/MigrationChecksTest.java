package io.novacron.operator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.novacron.crds.common.MigrationMode;
import io.novacron.crds.migration.MigrationSpec;
import io.novacron.crds.nodepool.HostSpec;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.nodepool.NodePoolSpec;
import io.novacron.crds.vm.DiskSpec;
import io.novacron.crds.vm.MigrationPreferences;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineSpec;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.crds.vm.VirtualMachineStatus.Phase;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MigrationChecksTest {
  @Test
  void theVmMustExistRunAndAllowTheMode() {
    MigrationSpec live = spec(MigrationMode.Live);
    assertThat(MigrationChecks.vmProblem(live, "ns", Optional.empty(), Optional.of(pool())))
        .contains("VirtualMachine 'web' does not exist in namespace ns");

    VirtualMachine stopped = vm(Phase.Stopped);
    assertThat(problem(live, stopped))
        .contains(
            "VirtualMachine web is Stopped, not Running; only a Cold migration moves a VM"
                + " that is not running");
    assertThat(problem(spec(MigrationMode.Cold), stopped)).isEmpty();

    VirtualMachine coldOnly = vm(Phase.Running);
    coldOnly.getSpec().migration = new MigrationPreferences();
    coldOnly.getSpec().migration.allowedModes = List.of(MigrationMode.Cold);
    assertThat(problem(live, coldOnly))
        .contains("VirtualMachine web allows only migration modes [Cold]");

    VirtualMachine unplaced = vm(Phase.Pending);
    unplaced.getStatus().host = null;
    assertThat(problem(live, unplaced)).contains("VirtualMachine web is not placed on a host yet");
  }

  @Test
  void theTargetMustBeAnotherHostOfThePool() {
    MigrationSpec same = spec(MigrationMode.Live);
    same.targetHost = "h1";
    assertThat(problem(same, vm(Phase.Running)))
        .contains("target host h1 is the VM's current host");
    MigrationSpec outside = spec(MigrationMode.Live);
    outside.targetHost = "h9";
    assertThat(problem(outside, vm(Phase.Running)))
        .contains("target host 'h9' is not in NodePool p (its hosts: h1, h2)");
    MigrationSpec fine = spec(MigrationMode.Live);
    fine.targetHost = "h2";
    assertThat(problem(fine, vm(Phase.Running))).isEmpty();
  }

  @Test
  void aColdMoveCannotCopyLocalDisks() {
    VirtualMachine withDisk = vm(Phase.Running);
    DiskSpec disk = new DiskSpec();
    disk.name = "data";
    disk.path = "/var/lib/libvirt/images/data.raw";
    withDisk.getSpec().disks.add(disk);
    NodePool local = pool();
    local.getSpec().storage = NodePoolSpec.Storage.Local;
    MigrationSpec cold = spec(MigrationMode.Cold);
    assertThat(MigrationChecks.vmProblem(cold, "ns", Optional.of(withDisk), Optional.of(local)))
        .contains(
            "NodePool p has Local storage: a Cold migration cannot copy the VM's disks; use Live"
                + " or PostCopy");
    assertThat(
            MigrationChecks.vmProblem(
                spec(MigrationMode.Live), "ns", Optional.of(withDisk), Optional.of(local)))
        .isEmpty();
    disk.readOnly = true;
    assertThat(MigrationChecks.vmProblem(cold, "ns", Optional.of(withDisk), Optional.of(local)))
        .isEmpty();
  }

  private static Optional<String> problem(MigrationSpec spec, VirtualMachine vm) {
    return MigrationChecks.vmProblem(spec, "ns", Optional.of(vm), Optional.of(pool()));
  }

  private static MigrationSpec spec(MigrationMode mode) {
    MigrationSpec spec = new MigrationSpec();
    spec.vmName = "web";
    spec.mode = mode;
    return spec;
  }

  private static VirtualMachine vm(Phase phase) {
    VirtualMachine vm = new VirtualMachine();
    vm.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("ns").build());
    vm.setSpec(new VirtualMachineSpec());
    vm.getSpec().nodePool = "p";
    vm.setStatus(new VirtualMachineStatus());
    vm.getStatus().phase = phase;
    vm.getStatus().host = "h1";
    return vm;
  }

  private static NodePool pool() {
    NodePool pool = new NodePool();
    pool.setMetadata(new ObjectMetaBuilder().withName("p").build());
    pool.setSpec(new NodePoolSpec());
    for (String name : List.of("h1", "h2")) {
      HostSpec h = new HostSpec();
      h.name = name;
      h.uri = "test:///default";
      pool.getSpec().hosts.add(h);
    }
    return pool;
  }
}
