package io.novacron.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mock server's CRUD dispatcher plus what kubectl needs from a real API server: discovery
 * documents ({@code /api}, {@code /apis}, group versions with verbs, {@code /version}), a 404 on
 * {@code /openapi} so kubectl falls back, and server-side tables built from the CRDs' printer
 * columns so {@code kubectl get} shows them. The Fabric8 mock server provides none of these.
 */
final class KubectlDispatcher extends KubernetesCrudDispatcher {
  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  private final KubernetesSerialization json = new KubernetesSerialization();
  private final List<CustomResourceDefinition> crds;
  private volatile SandboxAdmission admission;

  KubectlDispatcher(List<CustomResourceDefinition> crds) {
    this.crds = crds;
  }

  /** Set once the webhooks run: from then on writes are admitted through them. */
  void admitThrough(SandboxAdmission admission) {
    this.admission = admission;
  }

  /**
   * Fabric8's dispatcher throws where an API server answers with a Status (a JSON Patch whose
   * operations do not apply to the stored object, such as a replace of a field it no longer has; a
   * body that is not JSON); the mock web server then never answers, and the client waits out its
   * timeout.
   */
  @Override
  public MockResponse dispatch(RecordedRequest request) {
    try {
      return route(request);
    } catch (RuntimeException e) {
      Throwable notJson = e;
      while (notJson != null && !(notJson instanceof JsonProcessingException)) {
        notJson = notJson.getCause();
      }
      if (notJson != null) {
        return status(400, "BadRequest", "the body is not valid JSON: " + notJson.getMessage());
      }
      boolean patch = "PATCH".equals(request.getMethod());
      return status(
          patch ? 422 : 500,
          patch ? "Invalid" : "InternalError",
          (patch ? "the patch does not apply to the stored object: " : "")
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }
  }

  private MockResponse route(RecordedRequest request) {
    SandboxAdmission admitting = admission;
    if (admitting != null && !"GET".equals(request.getMethod())) {
      return admitting.handle(request, super::dispatch);
    }
    String path = request.getPath().split("\\?")[0];
    if ("GET".equals(request.getMethod())) {
      Object discovery = discovery(path);
      if (discovery != null) {
        return ok(json.asJson(discovery));
      }
      if (path.startsWith("/openapi")) {
        return new MockResponse().setResponseCode(404).setBody("{}");
      }
    }
    boolean get = "GET".equals(request.getMethod());
    boolean events = get && path.matches("/api/v1(/namespaces/[^/]+)?/events");
    // The mock server answers an empty list to field selectors it does not know, so event
    // lists are fetched unfiltered and filtered here.
    MockResponse response = events ? handleGet(path) : super.dispatch(request);
    if (!get || !response.getStatus().contains(" 200")) {
      return response;
    }
    String accept = request.getHeader("Accept");
    boolean wantsTable = accept != null && accept.contains("as=Table");
    List<CustomResourceColumnDefinition> columns =
        events ? EVENT_COLUMNS : crdColumns(crdForPath(path));
    if (!events && (columns == null || !wantsTable)) {
      return response;
    }
    JsonNode body = json.unmarshal(response.getBody().readUtf8(), JsonNode.class);
    if (events) {
      body = FieldSelector.parse(queryParameter(request.getPath(), "fieldSelector")).filter(body);
      if (body.has("items")) {
        // kubectl describe decodes an EventList; the mock server answers a generic List
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("kind", "EventList");
      }
    }
    return ok(json.asJson(wantsTable ? table(columns, body) : body));
  }

  /** kubectl's own columns for events, which the API server would print. */
  private static final List<CustomResourceColumnDefinition> EVENT_COLUMNS =
      List.of(
          column("Last Seen", "date", ".lastTimestamp"),
          column("Type", "string", ".type"),
          column("Reason", "string", ".reason"),
          column("Object", "string", ".involvedObject.name"),
          column("Message", "string", ".message"));

  private static CustomResourceColumnDefinition column(String name, String type, String path) {
    CustomResourceColumnDefinition c = new CustomResourceColumnDefinition();
    c.setName(name);
    c.setType(type);
    c.setJsonPath(path);
    c.setPriority(0);
    return c;
  }

  private static List<CustomResourceColumnDefinition> crdColumns(CustomResourceDefinition crd) {
    return crd == null ? null : crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
  }

  private static String queryParameter(String fullPath, String name) {
    int q = fullPath.indexOf('?');
    if (q < 0) {
      return null;
    }
    for (String pair : fullPath.substring(q + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private Object discovery(String path) {
    return switch (path) {
      case "/version" ->
          Map.of(
              "major", "1",
              "minor", "33",
              "gitVersion", "v1.33.0-novacron-sandbox",
              "platform", "linux/amd64");
      case "/api" -> Map.of("kind", "APIVersions", "versions", List.of("v1"));
      case "/apis" -> groupList();
      case "/api/v1" ->
          resourceList(
              "v1",
              List.of(
                  resource("namespaces", "Namespace", false, List.of("ns"), List.of()),
                  resource("events", "Event", true, List.of("ev"), List.of()),
                  resource("secrets", "Secret", true, List.of(), List.of()),
                  resource("configmaps", "ConfigMap", true, List.of("cm"), List.of())));
      case "/apis/apiextensions.k8s.io/v1" ->
          resourceList(
              "apiextensions.k8s.io/v1",
              List.of(
                  resource(
                      "customresourcedefinitions",
                      "CustomResourceDefinition",
                      false,
                      List.of("crd", "crds"),
                      List.of())));
      default -> novacronGroupVersion(path);
    };
  }

  private Object groupList() {
    List<Object> groups = new ArrayList<>();
    groups.add(group("apiextensions.k8s.io", "v1"));
    crds.stream()
        .map(c -> c.getSpec().getGroup() + "/" + c.getSpec().getVersions().get(0).getName())
        .distinct()
        .forEach(gv -> groups.add(group(gv.split("/")[0], gv.split("/")[1])));
    return Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", groups);
  }

  private Object novacronGroupVersion(String path) {
    List<Object> resources = new ArrayList<>();
    String groupVersion = null;
    for (CustomResourceDefinition crd : crds) {
      String gv = crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().get(0).getName();
      if (path.equals("/apis/" + gv)) {
        groupVersion = gv;
        var names = crd.getSpec().getNames();
        boolean namespaced = "Namespaced".equals(crd.getSpec().getScope());
        resources.add(
            resource(
                names.getPlural(),
                names.getKind(),
                namespaced,
                names.getShortNames(),
                names.getCategories()));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("name", names.getPlural() + "/status");
        status.put("singularName", "");
        status.put("namespaced", namespaced);
        status.put("kind", names.getKind());
        status.put("verbs", List.of("get", "patch", "update"));
        resources.add(status);
      }
    }
    return groupVersion == null ? null : resourceList(groupVersion, resources);
  }

  private static Map<String, Object> group(String name, String version) {
    Map<String, Object> gv = Map.of("groupVersion", name + "/" + version, "version", version);
    return Map.of("name", name, "versions", List.of(gv), "preferredVersion", gv);
  }

  private static Map<String, Object> resource(
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", plural);
    r.put("singularName", kind.toLowerCase());
    r.put("namespaced", namespaced);
    r.put("kind", kind);
    r.put("verbs", VERBS);
    r.put("shortNames", shortNames == null ? List.of() : shortNames);
    r.put("categories", categories == null ? List.of() : categories);
    return r;
  }

  private static Map<String, Object> resourceList(String groupVersion, List<Object> resources) {
    return Map.of(
        "kind",
        "APIResourceList",
        "apiVersion",
        "v1",
        "groupVersion",
        groupVersion,
        "resources",
        resources);
  }

  private CustomResourceDefinition crdForPath(String path) {
    for (CustomResourceDefinition crd : crds) {
      String prefix =
          "/apis/" + crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().get(0).getName();
      String plural = "/" + crd.getSpec().getNames().getPlural();
      if (path.startsWith(prefix)
          && (path.endsWith(plural) || path.contains(plural + "/"))
          && !path.endsWith("/status")) {
        return crd;
      }
    }
    return null;
  }

  /** A meta.k8s.io/v1 Table of a list or a single object. */
  private static Map<String, Object> table(
      List<CustomResourceColumnDefinition> columns, JsonNode body) {
    List<Object> definitions = new ArrayList<>();
    definitions.add(Map.of("name", "Name", "type", "string", "format", "name", "priority", 0));
    for (CustomResourceColumnDefinition c : columns) {
      definitions.add(
          Map.of(
              "name",
              c.getName(),
              "type",
              c.getType(),
              "format",
              c.getFormat() == null ? "" : c.getFormat(),
              "priority",
              c.getPriority() == null ? 0 : c.getPriority()));
    }
    List<JsonNode> items = new ArrayList<>();
    if (body.has("items")) {
      body.get("items").forEach(items::add);
    } else {
      items.add(body);
    }
    List<Object> rows = new ArrayList<>();
    for (JsonNode item : items) {
      List<Object> cells = new ArrayList<>();
      cells.add(item.path("metadata").path("name").asText());
      for (CustomResourceColumnDefinition c : columns) {
        cells.add(cell(item, c));
      }
      Map<String, Object> partial = new LinkedHashMap<>();
      partial.put("kind", "PartialObjectMetadata");
      partial.put("apiVersion", "meta.k8s.io/v1");
      partial.put("metadata", item.path("metadata"));
      rows.add(Map.of("cells", cells, "object", partial));
    }
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table.put(
        "metadata",
        Map.of("resourceVersion", body.path("metadata").path("resourceVersion").asText("")));
    table.put("columnDefinitions", definitions);
    table.put("rows", rows);
    return table;
  }

  /** Simple dotted JSONPath (all NovaCron's printer columns are); dates shown as ages. */
  private static Object cell(JsonNode item, CustomResourceColumnDefinition column) {
    JsonNode node = item;
    for (String part : column.getJsonPath().substring(1).split("\\.")) {
      node = node.path(part);
    }
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    if ("date".equals(column.getType())) {
      return age(Duration.between(Instant.parse(node.asText()), Instant.now()));
    }
    return node.isNumber() ? node.numberValue() : node.asText();
  }

  /** Like the API server's human-readable durations: 45s, 3m12s, 5h, 2d. */
  static String age(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 10) {
      return s % 60 == 0 ? m + "m" : m + "m" + (s % 60) + "s";
    }
    if (m < 180) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 48) {
      return h + "h";
    }
    return (h / 24) + "d";
  }

  private MockResponse status(int code, String reason, String message) {
    Status status =
        new StatusBuilder()
            .withStatus("Failure")
            .withMessage(message)
            .withReason(reason)
            .withCode(code)
            .build();
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(json.asJson(status));
  }

  private static MockResponse ok(String body) {
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }
}
