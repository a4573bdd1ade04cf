package io.novacron.operator.migration;

import io.novacron.crds.common.Backend;
import io.novacron.crds.common.MigrationMode;
import io.novacron.crds.migration.MigrationSpec;
import io.novacron.crds.nodepool.HostSpec;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.nodepool.NodePoolSpec;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus.Phase;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Whether a new Migration can be carried out at all: its spec, its VM and the VM's pool. Each
 * problem is a sentence for the Migration's status. Pure.
 */
public final class MigrationChecks {
  private MigrationChecks() {}

  /**
   * Why the Migration should wait before it is checked: its VM exists but has not started yet (a VM
   * and its Migration applied together). Empty when it need not wait.
   */
  static Optional<String> vmNotStartedYet(MigrationSpec spec, Optional<VirtualMachine> vm) {
    if (vm.isEmpty()) {
      return Optional.empty();
    }
    var status = vm.get().getStatus();
    Phase phase = status == null ? null : status.phase;
    if (phase == null
        || phase == Phase.Pending
        || phase == Phase.Scheduling
        || phase == Phase.Starting) {
      return Optional.of(
          "VirtualMachine "
              + spec.vmName
              + " is "
              + (phase == null ? "new" : phase)
              + "; waiting for it to run");
    }
    return Optional.empty();
  }

  /** Why the VM cannot be moved as asked, or empty when it can. */
  static Optional<String> vmProblem(
      MigrationSpec spec, String namespace, Optional<VirtualMachine> vm, Optional<NodePool> pool) {
    if (vm.isEmpty()) {
      return Optional.of(
          "VirtualMachine '" + spec.vmName + "' does not exist in namespace " + namespace);
    }
    VirtualMachine v = vm.get();
    if (v.getSpec().backend == Backend.KubeVirt) {
      return Optional.of("VMs of the KubeVirt backend cannot be migrated by NovaCron yet");
    }
    var allowed = v.getSpec().migration == null ? List.of() : v.getSpec().migration.allowedModes;
    if (!allowed.isEmpty() && !allowed.contains(spec.mode)) {
      return Optional.of(
          "VirtualMachine " + spec.vmName + " allows only migration modes " + allowed);
    }
    var status = v.getStatus();
    if (status == null || status.host == null) {
      return Optional.of("VirtualMachine " + spec.vmName + " is not placed on a host yet");
    }
    if (status.phase == Phase.Migrating) {
      return Optional.of("VirtualMachine " + spec.vmName + " is being migrated already");
    }
    if (spec.mode != MigrationMode.Cold && status.phase != Phase.Running) {
      return Optional.of(
          "VirtualMachine "
              + spec.vmName
              + " is "
              + status.phase
              + ", not Running; only a Cold migration moves a VM that is not running");
    }
    if (pool.isEmpty()) {
      return Optional.of("NodePool '" + v.getSpec().nodePool + "' of the VM does not exist");
    }
    if (spec.mode == MigrationMode.Cold
        && pool.get().getSpec().storage == NodePoolSpec.Storage.Local
        && v.getSpec().disks.stream().anyMatch(d -> !d.readOnly)) {
      return Optional.of(
          "NodePool "
              + pool.get().getMetadata().getName()
              + " has Local storage: a Cold migration cannot copy the VM's disks; use Live or"
              + " PostCopy");
    }
    return targetProblem(spec.targetHost, status.host, pool.get());
  }

  private static Optional<String> targetProblem(String target, String source, NodePool pool) {
    if (target == null) {
      return Optional.empty();
    }
    if (target.equals(source)) {
      return Optional.of("target host " + target + " is the VM's current host");
    }
    List<String> names = pool.getSpec().hosts.stream().map((HostSpec h) -> h.name).toList();
    if (!names.contains(target)) {
      return Optional.of(
          "target host '"
              + target
              + "' is not in NodePool "
              + pool.getMetadata().getName()
              + " (its hosts: "
              + names.stream().collect(Collectors.joining(", "))
              + ")");
    }
    return Optional.empty();
  }
}
