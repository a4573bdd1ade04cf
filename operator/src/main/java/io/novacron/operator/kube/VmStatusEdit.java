package io.novacron.operator.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus;
import java.util.function.Consumer;

/**
 * Changes a VM's status from outside its reconciler (usage, forecast, recommendation): each attempt
 * reads the VM afresh (its status present) and changes only what the caller owns, repeated when it
 * loses a race with another writer ({@link ConflictRetry}).
 */
public final class VmStatusEdit {
  private VmStatusEdit() {}

  public static VirtualMachine apply(
      KubernetesClient client, String namespace, String name, Consumer<VirtualMachine> change) {
    return ConflictRetry.edit(
        () ->
            client
                .resources(VirtualMachine.class)
                .inNamespace(namespace)
                .withName(name)
                .editStatus(
                    current -> {
                      if (current.getStatus() == null) {
                        current.setStatus(new VirtualMachineStatus());
                      }
                      change.accept(current);
                      return current;
                    }));
  }
}
