package io.novacron.policy;

import io.novacron.crds.vm.VirtualMachine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the rules need to know about the cluster, read from informer caches. */
public interface ClusterView {
  List<VirtualMachine> virtualMachines(String namespace);

  /**
   * CPU and memory of each VM of the namespace, by VM name, for quotas; VMs whose spec cannot be
   * read are left out. Implementations backed by a cache should keep this up to date as VMs change
   * rather than parse every VM's quantities on every review.
   */
  default Map<String, VmResources> vmResources(String namespace) {
    Map<String, VmResources> byName = new HashMap<>();
    for (VirtualMachine vm : virtualMachines(namespace)) {
      VmResources.tryOf(vm.getSpec()).ifPresent(r -> byName.put(vm.getMetadata().getName(), r));
    }
    return byName;
  }

  List<VirtualMachine> virtualMachinesInPool(String nodePool);

  /** The namespace's labels; empty when it is unknown. */
  Map<String, String> namespaceLabels(String namespace);
}
