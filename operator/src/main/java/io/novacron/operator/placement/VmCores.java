package io.novacron.operator.placement;

import io.novacron.crds.vm.VirtualMachine;

/**
 * CPU cores a VM uses at a given percentage of its vCPUs: those its running domain was given, or
 * its spec's before status says.
 */
public final class VmCores {
  private VmCores() {}

  public static double at(VirtualMachine vm, double cpuPercent) {
    var resources = vm.getStatus() == null ? null : vm.getStatus().resources;
    int vcpus = resources != null ? resources.vcpus : vm.getSpec().vcpus;
    return cpuPercent / 100 * vcpus;
  }
}
