package io.novacron.policy;

import io.fabric8.kubernetes.api.model.Quantity;
import io.novacron.crds.common.Backend;
import io.novacron.crds.vm.DiskSpec;
import io.novacron.crds.vm.NetworkSpec;
import io.novacron.crds.vm.RunStrategy;
import io.novacron.crds.vm.VirtualMachineSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a VirtualMachine spec for everything that needs no cluster state. The CRD's CEL rules hold
 * the simple invariants too; this code path runs in the reconciler (and the admission webhook) so
 * policy holds even where CEL does not run.
 */
public final class VirtualMachineValidator {
  static final long MIN_MEMORY_KIB = 64 * 1024;

  private VirtualMachineValidator() {}

  /** Human-readable problems, empty when the spec is valid. */
  public static List<String> problems(VirtualMachineSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      return List.of("spec is missing");
    }
    if (spec.nodePool == null || spec.nodePool.isBlank()) {
      problems.add("spec.nodePool is required");
    }
    if (spec.vcpus < 1) {
      problems.add("spec.vcpus must be at least 1");
    }
    if (spec.maxVcpus != null && spec.maxVcpus < spec.vcpus) {
      problems.add("spec.maxVcpus must be at least spec.vcpus");
    }
    Long memory = memoryKiB("spec.memory", spec.memory, problems);
    if (memory != null && memory < MIN_MEMORY_KIB) {
      problems.add("spec.memory must be at least 64Mi, got " + spec.memory);
    }
    if (spec.maxMemory != null) {
      Long max = memoryKiB("spec.maxMemory", spec.maxMemory, problems);
      if (max != null && memory != null && max < memory) {
        problems.add("spec.maxMemory must be at least spec.memory");
      }
    }
    KnownValue.require(problems, "spec.backend", spec.backend, Backend.values());
    KnownValue.require(problems, "spec.runStrategy", spec.runStrategy, RunStrategy.values());
    checkDisks(spec, problems);
    checkNetworks(spec, problems);
    return problems;
  }

  private static Long memoryKiB(String field, Quantity q, List<String> problems) {
    if (q == null) {
      problems.add(field + " is required");
      return null;
    }
    try {
      return VmResources.kib(q);
    } catch (IllegalArgumentException | ArithmeticException e) {
      problems.add(field + ": '" + q + "' is not a valid quantity (e.g. 512Mi, 2Gi)");
      return null;
    }
  }

  private static void checkDisks(VirtualMachineSpec spec, List<String> problems) {
    Set<String> names = new HashSet<>();
    for (DiskSpec d : spec.disks) {
      if (d.name == null || !names.add(d.name)) {
        problems.add("disk names must be present and unique: " + d.name);
      }
      if (d.path == null || d.path.isBlank()) {
        problems.add("disk " + d.name + ": path is required");
      }
      KnownValue.require(
          problems, "disk " + d.name + ": format", d.format, DiskSpec.Format.values());
      KnownValue.require(problems, "disk " + d.name + ": bus", d.bus, DiskSpec.Bus.values());
    }
    if (spec.boot == null) {
      problems.add("spec.boot is required");
      return;
    }
    boolean kernel = spec.boot.kernel != null && !spec.boot.kernel.isBlank();
    boolean disk = spec.boot.disk != null && !spec.boot.disk.isBlank();
    if (kernel == disk) {
      problems.add("spec.boot needs exactly one of kernel or disk");
    }
    if (!kernel && (spec.boot.initrd != null || spec.boot.cmdline != null)) {
      problems.add("spec.boot.initrd and cmdline need spec.boot.kernel");
    }
    if (disk && !names.contains(spec.boot.disk)) {
      problems.add("spec.boot.disk '" + spec.boot.disk + "' is not one of spec.disks");
    }
  }

  private static void checkNetworks(VirtualMachineSpec spec, List<String> problems) {
    Set<String> names = new HashSet<>();
    for (NetworkSpec n : spec.networks) {
      if (n.name == null || !names.add(n.name)) {
        problems.add("network names must be present and unique: " + n.name);
      }
      KnownValue.require(
          problems, "network " + n.name + ": type", n.type, NetworkSpec.Type.values());
      if (n.type != null
          && n.type != NetworkSpec.Type.User
          && (n.source == null || n.source.isBlank())) {
        problems.add("network " + n.name + ": source is required for type " + n.type);
      }
    }
  }
}
