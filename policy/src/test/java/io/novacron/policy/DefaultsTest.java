package io.novacron.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.zjsonpatch.JsonPatch;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.vm.VirtualMachine;
import org.junit.jupiter.api.Test;

class DefaultsTest {
  final ObjectMapper json = new ObjectMapper();
  final Defaults defaults = new Defaults();

  @Test
  void missingDefaultsAndLabelsAreAddedAndUserValuesKept() throws Exception {
    JsonNode vm =
        json.readTree(
            """
            {"apiVersion":"novacron.io/v1alpha1","kind":"VirtualMachine",
             "metadata":{"name":"web","namespace":"ns"},
             "spec":{"nodePool":"pool-a","vcpus":2,"memory":"256Mi","runStrategy":"Halted",
                     "boot":{"kernel":"/k"}}}
            """);
    JsonNode patched = JsonPatch.apply(defaults.patch(vm, VirtualMachine.class), vm);
    assertThat(patched.at("/metadata/labels/novacron.io~1pool").asText()).isEqualTo("pool-a");
    assertThat(patched.at("/spec/runStrategy").asText()).isEqualTo("Halted");
    assertThat(patched.at("/spec/backend").asText()).isEqualTo("Libvirt");
    assertThat(patched.at("/spec/vcpus").asInt()).isEqualTo(2);
    assertThat(patched.at("/spec/memory").asText()).isEqualTo("256Mi");
    assertThat(defaults.patch(patched, VirtualMachine.class)).isEmpty(); // idempotent
  }

  @Test
  void poolDefaultsAreWrittenOut() throws Exception {
    JsonNode pool =
        json.readTree(
            """
            {"apiVersion":"novacron.io/v1alpha1","kind":"NodePool","metadata":{"name":"p"},
             "spec":{"hosts":[{"name":"h1","uri":"qemu:///system"}]}}
            """);
    JsonNode patched = JsonPatch.apply(defaults.patch(pool, NodePool.class), pool);
    assertThat(patched.at("/spec/storage").asText()).isEqualTo("Shared");
    assertThat(patched.at("/spec/rebalancing/automation").asText()).isNotEmpty();
    assertThat(patched.at("/spec/hosts/0/uri").asText()).isEqualTo("qemu:///system");
  }
}
