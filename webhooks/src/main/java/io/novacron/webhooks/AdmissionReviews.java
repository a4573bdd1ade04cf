package io.novacron.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** AdmissionReview requests as the API server sends them, for callers of the webhooks. */
public final class AdmissionReviews {
  private static final Map<String, String> PLURALS =
      Map.of(
          "VirtualMachine", "virtualmachines",
          "Migration", "migrations",
          "NodePool", "nodepools",
          "ScalingPolicy", "scalingpolicies");

  private AdmissionReviews() {}

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
        .put("resource", PLURALS.get(kind));
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
