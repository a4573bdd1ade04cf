package io.novacron.policy;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.novacron.crds.vm.VirtualMachine;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster as the rules see it, from informer caches (never a request per review). VMs are
 * indexed by namespace and pool, and each VM's CPU and memory is parsed once when it changes, so a
 * quota check only adds up numbers.
 */
public final class InformerClusterView implements ClusterView, AutoCloseable {
  private static final String POOL_INDEX = "novacron.io/pool";

  private final SharedIndexInformer<VirtualMachine> vms;
  private final SharedIndexInformer<Namespace> namespaces;
  private final Map<String, Map<String, VmResources>> resources = new ConcurrentHashMap<>();

  public InformerClusterView(KubernetesClient client) {
    this.vms = client.resources(VirtualMachine.class).inAnyNamespace().runnableInformer(0);
    vms.addIndexers(
        Map.of(
            POOL_INDEX,
            vm ->
                vm.getSpec() == null || vm.getSpec().nodePool == null
                    ? List.of()
                    : List.of(vm.getSpec().nodePool)));
    vms.addEventHandler(new ResourceTracker());
    vms.start().toCompletableFuture().join();
    this.namespaces = client.namespaces().inform();
  }

  @Override
  public List<VirtualMachine> virtualMachines(String namespace) {
    return namespace == null
        ? List.of()
        : vms.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
  }

  @Override
  public Map<String, VmResources> vmResources(String namespace) {
    return namespace == null ? Map.of() : resources.getOrDefault(namespace, Map.of());
  }

  @Override
  public List<VirtualMachine> virtualMachinesInPool(String nodePool) {
    return vms.getIndexer().byIndex(POOL_INDEX, nodePool);
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    return Optional.ofNullable(namespace)
        .map(namespaces.getStore()::getByKey)
        .map(n -> n.getMetadata().getLabels())
        .orElse(Map.of());
  }

  @Override
  public void close() {
    vms.close();
    namespaces.close();
  }

  /** Keeps {@link #resources} in step with the VM cache. */
  private final class ResourceTracker implements ResourceEventHandler<VirtualMachine> {
    @Override
    public void onAdd(VirtualMachine vm) {
      Map<String, VmResources> ns =
          resources.computeIfAbsent(
              vm.getMetadata().getNamespace(), n -> new ConcurrentHashMap<>());
      Optional<VmResources> r =
          vm.getSpec() == null ? Optional.empty() : VmResources.tryOf(vm.getSpec());
      if (r.isPresent()) {
        ns.put(vm.getMetadata().getName(), r.get());
      } else {
        ns.remove(vm.getMetadata().getName());
      }
    }

    @Override
    public void onUpdate(VirtualMachine before, VirtualMachine now) {
      onAdd(now);
    }

    @Override
    public void onDelete(VirtualMachine vm, boolean finalStateUnknown) {
      Map<String, VmResources> ns = resources.get(vm.getMetadata().getNamespace());
      if (ns != null) {
        ns.remove(vm.getMetadata().getName());
      }
    }
  }
}
