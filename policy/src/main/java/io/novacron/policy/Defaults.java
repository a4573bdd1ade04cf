package io.novacron.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonDiff;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.vm.VirtualMachine;
import java.util.LinkedHashMap;

/**
 * The mutating half of admission: a JSON Patch that writes out the defaults of NovaCron's resource
 * model (runStrategy, migration preferences, pool overcommit and rebalancing, ...) and the labels
 * users select by. The defaults are the model's own (the CRD classes' initial values), so the
 * webhook and the operator never disagree on them. Only additions: a field the user set is never
 * changed or removed.
 */
public final class Defaults {
  /** On every VirtualMachine: its NodePool, so {@code kubectl get vm -l} can select by pool. */
  public static final String POOL_LABEL = "novacron.io/pool";

  /** On every Migration: the VM it moves. */
  public static final String VM_LABEL = "novacron.io/vm";

  // fields the model lacks (a CRD newer than this code) are left out of the typed copy; as the
  // patch only adds, they stay in the object untouched
  private final KubernetesSerialization serialization =
      new KubernetesSerialization(
          new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES), true);

  /** The patch for {@code submitted}, a resource of {@code type}; empty when nothing is missing. */
  public ArrayNode patch(JsonNode submitted, Class<? extends HasMetadata> type) {
    HasMetadata typed = serialization.convertValue(submitted, type);
    label(typed);
    JsonNode defaulted = serialization.convertValue(typed, JsonNode.class);
    ArrayNode additions = JsonNodeFactory.instance.arrayNode();
    for (JsonNode op : JsonDiff.asJson(submitted, defaulted)) {
      String path = op.path("path").asText();
      if ("add".equals(op.path("op").asText())
          && (path.startsWith("/spec/") || path.startsWith("/metadata/labels"))) {
        additions.add(op);
      }
    }
    return additions;
  }

  private static void label(HasMetadata resource) {
    if (resource.getMetadata().getLabels() == null) {
      resource.getMetadata().setLabels(new LinkedHashMap<>());
    }
    var labels = resource.getMetadata().getLabels();
    if (resource instanceof VirtualMachine vm
        && vm.getSpec() != null
        && vm.getSpec().nodePool != null) {
      labels.putIfAbsent(POOL_LABEL, vm.getSpec().nodePool);
    }
    if (resource instanceof Migration m && m.getSpec() != null && m.getSpec().vmName != null) {
      labels.putIfAbsent(VM_LABEL, m.getSpec().vmName);
    }
  }
}
