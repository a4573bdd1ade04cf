package io.novacron.policy;

import static io.novacron.policy.AdmissionRules.deny;

import io.novacron.crds.scaling.ScalingPolicy;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.policy.AdmissionRules.Denial;
import io.novacron.policy.TenancyPolicy.NamespaceRules;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Namespace totals (vCPUs, memory, VM count) against the quota. A request is denied only when it
 * grows a total past its quota, so shrinking a VM in a namespace already over quota is allowed.
 */
final class Quotas {
  private Quotas() {}

  /**
   * @param before the stored VM on an update, else null
   * @param existing the namespace's VMs' resources by name, as the cache has them (may include this
   *     VM)
   */
  static Optional<Denial> check(
      NamespaceRules rules,
      String namespace,
      VirtualMachine vm,
      VirtualMachine before,
      Map<String, VmResources> existing) {
    String name = vm.getMetadata().getName();
    List<VmResources> others =
        existing.entrySet().stream()
            .filter(e -> !name.equals(e.getKey()))
            .map(Map.Entry::getValue)
            .toList();
    VmResources now = VmResources.of(vm.getSpec());
    Optional<VmResources> was =
        before == null ? Optional.empty() : VmResources.tryOf(before.getSpec());
    TenancyPolicy.Quota q = rules.quota;
    if (q.vms != null && before == null && others.size() + 1 > q.vms) {
      return deny(
          "quota",
          "namespace "
              + namespace
              + " would have "
              + (others.size() + 1)
              + " VMs, quota is "
              + q.vms);
    }
    long vcpus = others.stream().mapToLong(VmResources::maxVcpus).sum() + now.maxVcpus();
    boolean moreVcpus = was.map(w -> now.maxVcpus() > w.maxVcpus()).orElse(true);
    if (q.vcpus != null && moreVcpus && vcpus > q.vcpus) {
      return deny(
          "quota",
          "namespace " + namespace + " would use " + vcpus + " vCPUs, quota is " + q.vcpus);
    }
    long kib = others.stream().mapToLong(VmResources::maxMemoryKiB).sum() + now.maxMemoryKiB();
    boolean moreMemory = was.map(w -> now.maxMemoryKiB() > w.maxMemoryKiB()).orElse(true);
    if (q.memory != null && moreMemory && kib > VmResources.kib(q.memory)) {
      return deny(
          "quota",
          "namespace "
              + namespace
              + " would use "
              + kib / 1024
              + "Mi of memory, quota is "
              + q.memory);
    }
    return Optional.empty();
  }

  static void warnIfReplicasExceed(
      NamespaceRules rules, String namespace, ScalingPolicy sp, List<String> warnings) {
    VmResources one = VmResources.of(sp.getSpec().template.spec);
    int replicas = sp.getSpec().maxReplicas;
    if (rules.quota.vcpus != null && (long) replicas * one.maxVcpus() > rules.quota.vcpus) {
      warnings.add(
          "maxReplicas "
              + replicas
              + " x "
              + one.maxVcpus()
              + " vCPUs exceeds namespace "
              + namespace
              + "'s quota of "
              + rules.quota.vcpus
              + " vCPUs; scaling will stop at the quota");
    }
  }
}
