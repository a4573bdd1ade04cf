package io.novacron.operator.domain;

import io.novacron.crds.vm.VirtualMachine;

/**
 * How a VM maps to its libvirt domain. The domain UUID is the VirtualMachine's UID, which is how
 * NovaCron recognises its own domains; the name only helps people reading {@code virsh list}.
 */
public final class DomainNames {
  private DomainNames() {}

  /** {@code <namespace>_<name>}: '_' never occurs in Kubernetes names, so this is unambiguous. */
  public static String domainName(VirtualMachine vm) {
    return vm.getMetadata().getNamespace() + "_" + vm.getMetadata().getName();
  }

  public static String domainUuid(VirtualMachine vm) {
    return vm.getMetadata().getUid();
  }
}
