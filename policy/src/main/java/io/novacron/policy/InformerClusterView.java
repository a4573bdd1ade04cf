package io.novacron.policy;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.novacron.crds.vm.VirtualMachine;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The cluster as the rules see it, from informer caches (never a request per review). */
public final class InformerClusterView implements ClusterView, AutoCloseable {
  private final SharedIndexInformer<VirtualMachine> vms;
  private final SharedIndexInformer<Namespace> namespaces;

  public InformerClusterView(KubernetesClient client) {
    this.vms = client.resources(VirtualMachine.class).inAnyNamespace().inform();
    this.namespaces = client.namespaces().inform();
  }

  @Override
  public List<VirtualMachine> virtualMachines(String namespace) {
    return vms.getStore().list().stream()
        .filter(vm -> namespace != null && namespace.equals(vm.getMetadata().getNamespace()))
        .toList();
  }

  @Override
  public List<VirtualMachine> virtualMachinesInPool(String nodePool) {
    return vms.getStore().list().stream()
        .filter(vm -> vm.getSpec() != null && nodePool.equals(vm.getSpec().nodePool))
        .toList();
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
}
