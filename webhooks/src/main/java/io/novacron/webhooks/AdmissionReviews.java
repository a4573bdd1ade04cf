package io.novacron.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.scaling.ScalingPolicy;
import io.novacron.crds.vm.VirtualMachine;
import java.util.Map;
import java.util.Optional;

/** AdmissionReview requests as the API server sends them, for callers of the webhooks. */
public final class AdmissionReviews {
  /** NovaCron's resources by kind: what the webhooks answer for. */
  public static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "VirtualMachine", VirtualMachine.class,
          "Migration", Migration.class,
          "NodePool", NodePool.class,
          "ScalingPolicy", ScalingPolicy.class);

  private AdmissionReviews() {}

  /** The kind of a NovaCron resource by its plural name in URLs ({@code virtualmachines}). */
  public static Optional<String> kindOf(String plural) {
    return KINDS.entrySet().stream()
        .filter(e -> HasMetadata.getPlural(e.getValue()).equals(plural))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /**
   * A review of a NovaCron resource. {@code namespace} is null for NodePools; {@code object} is
   * null on DELETE, {@code oldObject} on CREATE.
   */
  public static ObjectNode request(
      String uid,
      String operation,
      String namespace,
      String kind,
      JsonNode object,
      JsonNode oldObject) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("apiVersion", ReviewCodec.API_VERSION).put("kind", "AdmissionReview");
    ObjectNode req = root.putObject("request");
    req.put("uid", uid);
    req.putObject("kind")
        .put("group", ReviewCodec.GROUP)
        .put("version", "v1alpha1")
        .put("kind", kind);
    req.putObject("resource")
        .put("group", ReviewCodec.GROUP)
        .put("version", "v1alpha1")
        .put("resource", HasMetadata.getPlural(KINDS.get(kind)));
    if (namespace != null) {
      req.put("namespace", namespace);
    }
    JsonNode named = object != null ? object : oldObject;
    if (named != null) {
      req.put("name", named.path("metadata").path("name").asText());
    }
    req.put("operation", operation);
    req.putObject("userInfo").put("username", "system:admin");
    req.set("object", object == null ? NullNode.instance : object);
    req.set("oldObject", oldObject == null ? NullNode.instance : oldObject);
    req.put("dryRun", false);
    return root;
  }
}
