package io.novacron.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatch;
import io.novacron.webhooks.AdmissionReviews;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a real API server does with admission webhooks, for the sandbox's mock API: before a create,
 * update, patch or delete of a NovaCron resource is stored, it is sent as an AdmissionReview over
 * HTTPS (verified against the webhooks' CA) to the mutating webhook, whose JSON Patch is applied,
 * and then to the validating webhook, whose denial is returned to the client as a 403 Status.
 * Warnings come back as {@code Warning} headers, which kubectl prints. As configured in the webhook
 * configurations, validation fails closed and mutation fails open.
 */
final class SandboxAdmission {
  private static final Pattern RESOURCE =
      Pattern.compile(
          "^/apis/novacron\\.io/v1alpha1(?:/namespaces/([^/]+))?/"
              + "(virtualmachines|migrations|nodepools|scalingpolicies)(?:/([^/]+))?(/[^/]+)?$");

  /** The API server's: no vowels (no words by chance) and no 0, 1 or 3 (read as letters). */
  private static final String NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private final ObjectMapper json = new ObjectMapper();
  private final URI webhooks;
  private final HttpClient http;

  /** {@code webhooks} is the server's base URL; {@code caPem} the CA its certificate chains to. */
  SandboxAdmission(URI webhooks, String caPem) {
    this.webhooks = webhooks;
    this.http =
        HttpClient.newBuilder()
            .sslContext(trusting(caPem))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /**
   * Admits {@code request} and passes it to {@code store} if allowed; requests that are not writes
   * of NovaCron resources (or are writes of their status) go straight through.
   */
  MockResponse handle(RecordedRequest request, Function<RecordedRequest, MockResponse> store) {
    String path = request.getPath().split("\\?")[0];
    Matcher m = RESOURCE.matcher(path);
    String method = request.getMethod();
    if (!m.matches() || m.group(4) != null || "GET".equals(method)) {
      return store.apply(request);
    }
    String namespace = m.group(1);
    String kind = AdmissionReviews.kindOf(m.group(2)).orElseThrow();
    String name = m.group(3);
    try {
      return switch (method) {
        case "POST" -> write(request, store, "CREATE", namespace, kind, body(request), null);
        case "PUT" ->
            write(request, store, "UPDATE", namespace, kind, body(request), stored(store, path));
        case "PATCH" -> patch(request, store, namespace, kind, stored(store, path));
        case "DELETE" -> delete(request, store, namespace, kind, path, name);
        default -> store.apply(request);
      };
    } catch (WebhookUnavailable e) {
      return status(500, "InternalError", "failed calling webhook: " + e.getMessage(), List.of());
    }
  }

  private MockResponse write(
      RecordedRequest request,
      Function<RecordedRequest, MockResponse> store,
      String operation,
      String namespace,
      String kind,
      JsonNode object,
      JsonNode old) {
    if (object == null) {
      return store.apply(request); // not JSON: the store answers it
    }
    JsonNode mutated = withGeneratedName(mutate(operation, namespace, kind, object, old));
    Answer verdict = review("/validate", operation, namespace, kind, mutated, old);
    if (!verdict.allowed()) {
      return denied(verdict);
    }
    RecordedRequest forwarded =
        new RecordedRequest(
            request.getHttpVersion(),
            request.method(),
            request.getPath(),
            request.getHeaders(),
            new Buffer(mutated.toString().getBytes(StandardCharsets.UTF_8)));
    return withWarnings(store.apply(forwarded), verdict.warnings());
  }

  private MockResponse patch(
      RecordedRequest request,
      Function<RecordedRequest, MockResponse> store,
      String namespace,
      String kind,
      JsonNode old) {
    JsonNode patched = old == null ? null : applyPatch(old, request);
    if (patched == null) {
      return store.apply(request); // missing object or a patch type the store refuses anyway
    }
    JsonNode mutated = mutate("UPDATE", namespace, kind, patched, old);
    Answer verdict = review("/validate", "UPDATE", namespace, kind, mutated, old);
    if (!verdict.allowed()) {
      return denied(verdict);
    }
    MockResponse response = store.apply(request);
    ArrayNode defaults = (ArrayNode) JsonDiff.asJson(patched, mutated);
    if (!defaults.isEmpty() && response.getStatus().contains(" 200")) {
      response = store.apply(jsonPatch(request, defaults));
    }
    return withWarnings(response, verdict.warnings());
  }

  private MockResponse delete(
      RecordedRequest request,
      Function<RecordedRequest, MockResponse> store,
      String namespace,
      String kind,
      String path,
      String name) {
    List<JsonNode> doomed = new ArrayList<>();
    if (name != null) {
      JsonNode old = stored(store, path);
      if (old != null) {
        doomed.add(old);
      }
    } else {
      JsonNode list = stored(store, path);
      if (list != null) {
        list.path("items").forEach(doomed::add);
      }
    }
    List<String> warnings = new ArrayList<>();
    for (JsonNode old : doomed) {
      Answer verdict = review("/validate", "DELETE", namespace, kind, null, old);
      if (!verdict.allowed()) {
        return denied(verdict);
      }
      warnings.addAll(verdict.warnings());
    }
    return withWarnings(store.apply(request), warnings);
  }

  /**
   * An object created with {@code generateName} is named between mutating and validating admission,
   * as the API server does: its prefix and five random characters of the same alphabet.
   */
  private static JsonNode withGeneratedName(JsonNode object) {
    JsonNode metadata = object.path("metadata");
    if (!metadata.isObject()
        || metadata.path("name").isTextual()
        || !metadata.path("generateName").isTextual()) {
      return object;
    }
    StringBuilder name = new StringBuilder(metadata.path("generateName").asText());
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 5; i++) {
      name.append(NAME_SUFFIX_ALPHABET.charAt(random.nextInt(NAME_SUFFIX_ALPHABET.length())));
    }
    JsonNode named = object.deepCopy();
    ((ObjectNode) named.get("metadata")).put("name", name.toString());
    return named;
  }

  private JsonNode mutate(
      String operation, String namespace, String kind, JsonNode object, JsonNode old) {
    Answer answer;
    try {
      answer = review("/mutate", operation, namespace, kind, object, old);
    } catch (WebhookUnavailable e) {
      return object; // failurePolicy Ignore
    }
    if (answer.patch() == null) {
      return object;
    }
    return JsonPatch.apply(answer.patch(), object);
  }

  /** One AdmissionReview round trip. */
  private Answer review(
      String endpoint,
      String operation,
      String namespace,
      String kind,
      JsonNode object,
      JsonNode old) {
    ObjectNode review =
        AdmissionReviews.request(
            UUID.randomUUID().toString(), operation, namespace, kind, object, old);
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(webhooks.resolve(endpoint))
                  .timeout(Duration.ofSeconds(5))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(review)))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebhookUnavailable(webhooks + endpoint + ": interrupted");
    } catch (java.io.IOException e) {
      throw new WebhookUnavailable(webhooks + endpoint + ": " + e.getMessage());
    }
    if (response.statusCode() != 200) {
      throw new WebhookUnavailable(
          webhooks
              + endpoint
              + " answered "
              + response.statusCode()
              + ": "
              + new String(response.body(), StandardCharsets.UTF_8));
    }
    try {
      JsonNode answer = json.readTree(response.body()).path("response");
      List<String> warnings = new ArrayList<>();
      answer.path("warnings").forEach(w -> warnings.add(w.asText()));
      JsonNode patch =
          answer.hasNonNull("patch")
              ? json.readTree(Base64.getDecoder().decode(answer.path("patch").asText()))
              : null;
      return new Answer(
          answer.path("allowed").asBoolean(),
          answer.path("status").path("message").asText(),
          warnings,
          patch);
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new WebhookUnavailable(webhooks + endpoint + " answered garbage: " + e.getMessage());
    }
  }

  private JsonNode applyPatch(JsonNode old, RecordedRequest request) {
    String type = String.valueOf(request.getHeader("Content-Type"));
    JsonNode patch = body(request);
    if (patch == null) {
      return null;
    }
    if (type.startsWith("application/json-patch+json")) {
      try {
        return JsonPatch.apply(patch, old);
      } catch (RuntimeException e) {
        return null; // a patch that does not apply: the store answers it with its own error
      }
    }
    if (type.startsWith("application/merge-patch+json")) {
      return mergePatch(old.deepCopy(), patch);
    }
    return null;
  }

  /**
   * RFC 7386 JSON Merge Patch. Hand-written because neither Jackson nor zjsonpatch implements it
   * and the mock server's own copy is internal; it is the RFC's ten-line algorithm.
   */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result =
        target != null && target.isObject()
            ? (ObjectNode) target
            : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> f : patch.properties()) {
      if (f.getValue().isNull()) {
        result.remove(f.getKey());
      } else {
        result.set(f.getKey(), mergePatch(result.get(f.getKey()), f.getValue()));
      }
    }
    return result;
  }

  private JsonNode stored(Function<RecordedRequest, MockResponse> store, String path) {
    MockResponse r =
        store.apply(
            new RecordedRequest(
                "HTTP/1.1", HttpMethod.GET, path, Headers.builder().build(), new Buffer()));
    if (!r.getStatus().contains(" 200")) {
      return null;
    }
    try {
      return json.readTree(r.getBody().readUtf8());
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private JsonNode body(RecordedRequest request) {
    try {
      return json.readTree(request.getBody().getBytes());
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static RecordedRequest jsonPatch(RecordedRequest request, ArrayNode ops) {
    return new RecordedRequest(
        request.getHttpVersion(),
        HttpMethod.PATCH,
        request.getPath(),
        request
            .getHeaders()
            .newBuilder()
            .set("Content-Type", "application/json-patch+json")
            .build(),
        new Buffer(ops.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private MockResponse denied(Answer verdict) {
    return status(
        403,
        "Forbidden",
        "admission webhook \"validate.novacron.io\" denied the request: " + verdict.message(),
        verdict.warnings());
  }

  private MockResponse status(int code, String reason, String message, List<String> warnings) {
    ObjectNode status = json.createObjectNode();
    status.put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
    return withWarnings(
        new MockResponse().setResponseCode(code).setBody(status.toString()), warnings);
  }

  private static MockResponse withWarnings(MockResponse response, List<String> warnings) {
    for (String w : warnings) {
      response.addHeader("Warning", "299 - \"" + w.replace("\"", "'") + "\"");
    }
    return response;
  }

  private static SSLContext trusting(String caPem) {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry(
          "novacron-webhooks-ca",
          CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      return tls;
    } catch (Exception e) {
      throw new IllegalStateException("cannot trust the webhooks' CA", e);
    }
  }

  private record Answer(boolean allowed, String message, List<String> warnings, JsonNode patch) {}

  private static final class WebhookUnavailable extends RuntimeException {
    WebhookUnavailable(String message) {
      super(message);
    }
  }
}
