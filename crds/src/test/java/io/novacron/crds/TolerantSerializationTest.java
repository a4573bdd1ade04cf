package io.novacron.crds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.novacron.crds.common.Backend;
import io.novacron.crds.common.TolerantSerialization;
import io.novacron.crds.common.TolerantSerialization.SkipUnknownFields;
import io.novacron.crds.vm.RunStrategy;
import io.novacron.crds.vm.VirtualMachine;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TolerantSerializationTest {
  static final String NEWER_VM =
      """
      {"apiVersion": "novacron.io/v1alpha1", "kind": "VirtualMachine",
       "metadata": {"name": "odd", "namespace": "team-a"},
       "spec": {"nodePool": "local", "vcpus": 2, "memory": "96Mi", "runStrategy": "Halted",
                "gpus": 2, "boot": {"kernel": "/boot/vmlinuz", "secureBoot": {"on": true}}},
       "status": {"phase": "Running", "futureField": [1, 2]}}
      """;

  @Test
  void fabric8AloneRefusesAFieldTheModelLacks() {
    assertThatThrownBy(
            () -> new KubernetesSerialization().unmarshal(NEWER_VM, VirtualMachine.class))
        .hasStackTraceContaining("Unrecognized field \"gpus\"");
  }

  @Test
  void unknownFieldsAreSkippedAndTheKnownOnesRead() {
    VirtualMachine vm = new TolerantSerialization().unmarshal(NEWER_VM, VirtualMachine.class);

    assertThat(vm.getMetadata().getName()).isEqualTo("odd");
    assertThat(vm.getSpec().vcpus).isEqualTo(2);
    assertThat(vm.getSpec().runStrategy).isEqualTo(RunStrategy.Halted);
    assertThat(vm.getSpec().boot.kernel).isEqualTo("/boot/vmlinuz");
    assertThat(vm.getStatus().phase).hasToString("Running");
  }

  @Test
  void anEnumValueTheModelLacksReadsAsUnsetAndIsKeptForThatVersionOfItsResource() {
    TolerantSerialization serialization = new TolerantSerialization();
    VirtualMachine vm =
        serialization.unmarshal(
            NEWER_VM
                .replace("\"Halted\"", "\"Sometimes\"")
                .replace("\"nodePool\"", "\"backend\": \"Firecracker\", \"nodePool\"")
                .replace(
                    "\"name\": \"odd\"",
                    "\"name\": \"odd\", \"uid\": \"u-1\", \"resourceVersion\": \"7\""),
            VirtualMachine.class);

    assertThat(vm.getSpec().runStrategy).isNull();
    assertThat(vm.getSpec().backend).isNull();
    assertThat(vm.getSpec().vcpus).isEqualTo(2);
    List<String> expected =
        List.of(
            "spec.backend: \"Firecracker\" is not one of Libvirt, KubeVirt",
            "spec.runStrategy: \"Sometimes\" is not one of Always, Halted, Manual, RerunOnFailure");
    assertThat(serialization.unknownValues(vm)).isEqualTo(expected);
    VirtualMachine copy = serialization.clone(vm);
    assertThat(copy.getSpec().backend)
        .as("why they are kept apart: a copy has the default back")
        .isEqualTo(Backend.Libvirt);
    assertThat(serialization.unknownValues(copy)).isEqualTo(expected);
    vm.getMetadata().setResourceVersion("8");
    assertThat(serialization.unknownValues(vm)).as("another version").isEmpty();
  }

  @Test
  void eachSkippedFieldIsNamedWithinItsResourceAlsoInsideAList() {
    List<String> skipped = new ArrayList<>();
    KubernetesSerialization serialization =
        new KubernetesSerialization(
            new ObjectMapper()
                .addHandler(
                    new SkipUnknownFields(
                        (resource, path) ->
                            skipped.add(resource.getMetadata().getName() + ": " + path))),
            true);
    String list =
        "{\"apiVersion\": \"novacron.io/v1alpha1\", \"kind\": \"VirtualMachineList\","
            + " \"metadata\": {}, \"items\": ["
            + NEWER_VM.replace("\"odd\"", "\"first\"")
            + ","
            + NEWER_VM.replace("\"odd\"", "\"second\"")
            + "]}";

    DefaultKubernetesResourceList<VirtualMachine> read =
        serialization.unmarshal(
            new ByteArrayInputStream(list.getBytes(StandardCharsets.UTF_8)),
            new TypeReference<DefaultKubernetesResourceList<VirtualMachine>>() {});

    assertThat(read.getItems()).extracting(vm -> vm.getSpec().vcpus).containsExactly(2, 2);
    assertThat(skipped)
        .containsExactly(
            "first: spec.gpus",
            "first: spec.boot.secureBoot",
            "first: status.futureField",
            "second: spec.gpus",
            "second: spec.boot.secureBoot",
            "second: status.futureField");
  }
}
