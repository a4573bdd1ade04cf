package io.novacron.policy;

import static io.novacron.policy.AdmissionRules.deny;

import io.novacron.crds.migration.Migration;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.policy.AdmissionRules.Denial;
import io.novacron.policy.TenancyPolicy.NamespaceRules;
import java.util.Optional;

/** Per-VM and per-Migration limits of one namespace's rules. */
final class TenantLimits {
  private TenantLimits() {}

  static Optional<Denial> checkVm(NamespaceRules rules, String namespace, VirtualMachine vm) {
    var spec = vm.getSpec();
    String name = vm.getMetadata().getName();
    if (!rules.allowedNodePools.isEmpty() && !rules.allowedNodePools.contains(spec.nodePool)) {
      return deny(
          "allowed-node-pools",
          "namespace "
              + namespace
              + " may use NodePools "
              + rules.allowedNodePools
              + "; VirtualMachine "
              + name
              + " asks for "
              + spec.nodePool);
    }
    VmResources res = VmResources.of(spec);
    if (rules.maxVcpusPerVm != null && res.maxVcpus() > rules.maxVcpusPerVm) {
      return deny(
          "max-vm-size",
          "VirtualMachine "
              + name
              + " would have "
              + res.maxVcpus()
              + " vCPUs; namespace "
              + namespace
              + " allows at most "
              + rules.maxVcpusPerVm
              + " per VM");
    }
    if (rules.maxMemoryPerVm != null
        && res.maxMemoryKiB() > VmResources.kib(rules.maxMemoryPerVm)) {
      return deny(
          "max-vm-size",
          "VirtualMachine "
              + name
              + " would have "
              + res.maxMemoryKiB() / 1024
              + "Mi of memory; namespace "
              + namespace
              + " allows at most "
              + rules.maxMemoryPerVm
              + " per VM");
    }
    if (!rules.allowedBootPathPrefixes.isEmpty()) {
      Optional<String> outside =
          AdmissionRules.paths(spec)
              .filter(p -> rules.allowedBootPathPrefixes.stream().noneMatch(p::startsWith))
              .findFirst();
      if (outside.isPresent()) {
        return deny(
            "allowed-boot-paths",
            "VirtualMachine "
                + name
                + " uses "
                + outside.get()
                + "; namespace "
                + namespace
                + " may only use paths under "
                + rules.allowedBootPathPrefixes);
      }
    }
    return Optional.empty();
  }

  static Optional<Denial> checkMigration(NamespaceRules rules, String namespace, Migration m) {
    if (rules.allowedMigrationModes.isEmpty()
        || rules.allowedMigrationModes.contains(m.getSpec().mode)) {
      return Optional.empty();
    }
    return deny(
        "allowed-migration-modes",
        "namespace "
            + namespace
            + " allows migration modes "
            + rules.allowedMigrationModes
            + "; Migration "
            + m.getMetadata().getName()
            + " asks for "
            + m.getSpec().mode);
  }
}
