package io.novacron.policy;

import io.fabric8.kubernetes.api.model.Quantity;
import io.novacron.crds.vm.VirtualMachineSpec;
import java.math.BigDecimal;
import java.util.Optional;

/** The CPU and memory figures of a VM spec, with their defaults applied. */
public record VmResources(int vcpus, int maxVcpus, long memoryKiB, long maxMemoryKiB) {

  public static VmResources of(VirtualMachineSpec spec) {
    long memory = kib(spec.memory);
    long maxMemory = spec.maxMemory == null ? memory : Math.max(memory, kib(spec.maxMemory));
    int maxVcpus = spec.maxVcpus == null ? spec.vcpus : Math.max(spec.vcpus, spec.maxVcpus);
    return new VmResources(spec.vcpus, maxVcpus, memory, maxMemory);
  }

  /** The figures of a stored VM; empty when its spec cannot be read, rather than failing. */
  public static Optional<VmResources> tryOf(VirtualMachineSpec spec) {
    try {
      return Optional.of(of(spec));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  public long memoryMiB() {
    return memoryKiB / 1024;
  }

  /** Bytes of a quantity, in KiB; fails with a readable message on a malformed quantity. */
  public static long kib(Quantity quantity) {
    if (quantity == null) {
      throw new IllegalArgumentException("memory is required");
    }
    BigDecimal bytes;
    try {
      bytes = quantity.getNumericalAmount();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + quantity + "' is not a valid quantity", e);
    }
    return bytes
        .divide(BigDecimal.valueOf(1024), 0, java.math.RoundingMode.CEILING)
        .longValueExact();
  }
}
