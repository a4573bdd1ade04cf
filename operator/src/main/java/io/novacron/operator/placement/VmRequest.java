package io.novacron.operator.placement;

import io.novacron.crds.vm.VirtualMachineSpec;
import io.novacron.policy.VmResources;
import java.util.Map;

/** What a VM needs from a host. */
public record VmRequest(
    int vcpus,
    long memoryMiB,
    Map<String, String> hostSelector,
    String antiAffinityGroup,
    String pinnedHost) {

  /** From a VM's spec; throws IllegalArgumentException when its memory is not a valid size. */
  public static VmRequest of(VirtualMachineSpec spec) {
    var placement = spec.placement;
    return new VmRequest(
        spec.vcpus,
        VmResources.of(spec).memoryMiB(),
        placement == null ? Map.of() : placement.hostSelector,
        placement == null ? null : placement.antiAffinityGroup,
        placement == null ? null : placement.pinnedHost);
  }
}
