package io.novacron.policy;

import io.novacron.crds.vm.VirtualMachine;
import java.util.List;
import java.util.Map;

/** What the rules need to know about the cluster, read from informer caches. */
public interface ClusterView {
  List<VirtualMachine> virtualMachines(String namespace);

  List<VirtualMachine> virtualMachinesInPool(String nodePool);

  /** The namespace's labels; empty when it is unknown. */
  Map<String, String> namespaceLabels(String namespace);
}
