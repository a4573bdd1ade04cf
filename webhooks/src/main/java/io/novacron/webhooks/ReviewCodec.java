package io.novacron.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.novacron.crds.common.TolerantSerialization.SkipUnknownFields;
import io.novacron.policy.AdmissionRequest;
import io.novacron.policy.AdmissionRequest.Operation;
import io.novacron.policy.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads {@code admission.k8s.io/v1} AdmissionReview requests and writes their responses, in the
 * exact wire format the API server uses. Anything else is a {@link BadReview}.
 */
final class ReviewCodec {
  static final String API_VERSION = "admission.k8s.io/v1";
  static final String GROUP = "novacron.io";

  private final ObjectMapper json = new ObjectMapper();
  private final ObjectMapper resources = configuredByFabric8(new ObjectMapper());

  /**
   * One decoded review: its uid (echoed back), the request, the raw new object, and the fields of
   * the new object this webhook's model lacks (dotted paths). When the new object is not a valid
   * resource of its kind, {@code request} is null and {@code unreadable} says why: the review
   * itself is well formed, so it gets an answer (not a 400).
   */
  record Review(
      String uid,
      String kind,
      AdmissionRequest request,
      JsonNode rawObject,
      String unreadable,
      List<String> unknownFields) {}

  Review read(byte[] body) throws BadReview {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      throw new BadReview("body is not JSON: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new BadReview("body is not a JSON object");
    }
    if (!API_VERSION.equals(root.path("apiVersion").asText())
        || !"AdmissionReview".equals(root.path("kind").asText())) {
      throw new BadReview(
          "expected an AdmissionReview of "
              + API_VERSION
              + ", got kind '"
              + root.path("kind").asText()
              + "' of '"
              + root.path("apiVersion").asText()
              + "'");
    }
    JsonNode req = root.path("request");
    String uid = text(req, "uid");
    String group = req.path("kind").path("group").asText();
    String kind = text(req.path("kind"), "kind");
    if (!GROUP.equals(group) || !AdmissionReviews.KINDS.containsKey(kind)) {
      throw new BadReview("request.kind " + group + "/" + kind + " is not a NovaCron resource");
    }
    Operation operation;
    try {
      operation = Operation.valueOf(text(req, "operation"));
    } catch (IllegalArgumentException e) {
      throw new BadReview("request.operation must be CREATE, UPDATE, DELETE or CONNECT");
    }
    JsonNode raw = req.path("object");
    JsonNode rawOld = req.path("oldObject");
    HasMetadata old = typed(rawOld, kind, "request.oldObject", new ArrayList<>());
    HasMetadata object;
    List<String> unknownFields = new ArrayList<>();
    try {
      object = typed(raw, kind, "request.object", unknownFields);
    } catch (BadReview e) {
      return new Review(uid, kind, null, raw, e.getMessage(), List.of());
    }
    if (object == null && operation != Operation.DELETE) {
      throw new BadReview("request.object is required for " + operation);
    }
    if (old == null && (operation == Operation.DELETE || operation == Operation.UPDATE)) {
      throw new BadReview("request.oldObject is required for " + operation);
    }
    String namespace = req.path("namespace").isTextual() ? req.path("namespace").asText() : null;
    return new Review(
        uid,
        kind,
        new AdmissionRequest(operation, namespace, object, old),
        object == null ? null : raw,
        null,
        List.copyOf(unknownFields));
  }

  /**
   * The resource in {@code node}, its fields this webhook's model lacks skipped and their paths
   * added to {@code unknownFields}: the API server has already checked them against the CRD, which
   * may be newer than this webhook.
   */
  private HasMetadata typed(JsonNode node, String kind, String where, List<String> unknownFields)
      throws BadReview {
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new BadReview(where + " is not an object");
    }
    try {
      HasMetadata resource =
          resources
              .readerFor(AdmissionReviews.KINDS.get(kind))
              .withHandler(new SkipUnknownFields((skippedIn, path) -> unknownFields.add(path)))
              .readValue(node);
      if (resource.getMetadata() == null) {
        throw new BadReview(where + ".metadata is required");
      }
      return resource;
    } catch (IOException | IllegalArgumentException e) {
      throw new BadReview(where + " is not a valid " + kind + ": " + fault(e));
    }
  }

  /**
   * {@code mapper} set up as fabric8 sets up its own (its modules and features), so that each read
   * can carry a {@link SkipUnknownFields} of its own, which fabric8's serialization has no way to
   * take.
   */
  private static ObjectMapper configuredByFabric8(ObjectMapper mapper) {
    new KubernetesSerialization(mapper, true);
    return mapper;
  }

  byte[] response(String uid, Verdict verdict, ArrayNode patch) {
    ObjectNode root = json.createObjectNode();
    root.put("apiVersion", API_VERSION);
    root.put("kind", "AdmissionReview");
    ObjectNode response = root.putObject("response");
    response.put("uid", uid);
    response.put("allowed", verdict.allowed());
    if (!verdict.allowed()) {
      ObjectNode status = response.putObject("status");
      status.put("code", 403);
      status.put("reason", "Forbidden");
      status.put("message", verdict.describe());
    }
    if (!verdict.warnings().isEmpty()) {
      ArrayNode warnings = response.putArray("warnings");
      verdict.warnings().forEach(warnings::add);
    }
    if (patch != null && !patch.isEmpty()) {
      response.put("patchType", "JSONPatch");
      response.put(
          "patch",
          Base64.getEncoder().encodeToString(patch.toString().getBytes(StandardCharsets.UTF_8)));
    }
    try {
      return json.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What Jackson refused, led by the field's path when it knows it ({@code spec.vcpus: ...}). */
  private static String fault(Exception e) {
    JsonMappingException m =
        e instanceof JsonMappingException direct
            ? direct
            : e.getCause() instanceof JsonMappingException cause ? cause : null;
    if (m == null || m.getPath().isEmpty()) {
      return firstLine(e.getMessage());
    }
    String path =
        m.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    return path + ": " + firstLine(m.getOriginalMessage());
  }

  private static String text(JsonNode node, String field) throws BadReview {
    JsonNode v = node.path(field);
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new BadReview("request field '" + field + "' is missing");
    }
    return v.asText();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
