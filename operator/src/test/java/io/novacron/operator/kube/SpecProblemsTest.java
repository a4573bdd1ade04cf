package io.novacron.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.novacron.crds.common.TolerantSerialization;
import io.novacron.crds.vm.VirtualMachine;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecProblemsTest {
  static final String VM =
      """
      {"apiVersion": "novacron.io/v1alpha1", "kind": "VirtualMachine",
       "metadata": {"name": "v", "namespace": "ns", "uid": "u-1", "resourceVersion": "%s"},
       "spec": {"nodePool": "p", "vcpus": 1, "memory": "96Mi", "runStrategy": "%s",
                "boot": {"kernel": "/boot/vmlinuz"}},
       "status": {"phase": "%s"}}
      """;

  private final TolerantSerialization serialization = new TolerantSerialization();

  @Test
  void anUnknownSpecValueIsTheProblemWhateverTheValidatorSees() {
    try (KubernetesClient client = client()) {
      VirtualMachine vm =
          serialization.unmarshal(VM.formatted("1", "Sometimes", "Running"), VirtualMachine.class);
      assertThat(SpecProblems.of(vm, client, () -> List.of("what the validator found")))
          .containsExactly(
              "spec.runStrategy: \"Sometimes\" is not one of Always, Halted, Manual, RerunOnFailure");
    }
  }

  @Test
  void anUnknownStatusValueIsNoSpecProblemButIsNamedAsAStatusOne() {
    try (KubernetesClient client = client()) {
      VirtualMachine vm =
          serialization.unmarshal(VM.formatted("2", "Always", "Hibernating"), VirtualMachine.class);
      assertThat(vm.getStatus().phase).as("read as unset").isNull();
      assertThat(SpecProblems.of(vm, client, List::of)).isEmpty();
      assertThat(SpecProblems.unknownStatusValues(vm, client))
          .singleElement()
          .asString()
          .startsWith("status.phase: \"Hibernating\" is not one of ");
    }
  }

  /** No request is made: only its serialization is used. */
  private KubernetesClient client() {
    return new KubernetesClientBuilder().withKubernetesSerialization(serialization).build();
  }
}
