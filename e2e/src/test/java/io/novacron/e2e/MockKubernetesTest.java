package io.novacron.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.novacron.sandbox.MockKubernetes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sandbox API answers what kubectl asks a real API server, as real JSON over HTTP. */
class MockKubernetesTest {
  static MockKubernetes api;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    api = MockKubernetes.start(0);
    for (String name : new String[] {"web-1", "web-2"}) {
      api.client()
          .v1()
          .events()
          .inNamespace("default")
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(name + ".1")
                  .withNamespace("default")
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withKind("VirtualMachine")
                  .withName(name)
                  .withNamespace("default")
                  .withUid("uid-" + name)
                  .endInvolvedObject()
                  .withReason("Started")
                  .withType("Normal")
                  .withMessage("started " + name)
                  .withLastTimestamp("2026-01-01T00:00:00Z")
                  .build())
          .create();
    }
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  static String send(HttpRequest.Builder req) throws Exception {
    HttpResponse<String> response =
        http.send(
            req.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(api.url().replaceAll("/$", "") + path));
  }

  static String get(String path, String accept) throws Exception {
    HttpRequest.Builder req = request(path);
    if (accept != null) {
      req.header("Accept", accept);
    }
    return send(req);
  }

  @Test
  void servesDiscoveryForKubectl() throws Exception {
    assertThat(get("/api", null)).startsWith("200").contains("\"versions\":[\"v1\"]");
    assertThat(get("/apis", null)).contains("\"name\":\"novacron.io\"", "v1alpha1");
    assertThat(get("/apis/novacron.io/v1alpha1", null))
        .contains(
            "\"name\":\"virtualmachines\"",
            "\"shortNames\":[\"nvm\",\"nvms\"]",
            "\"namespaced\":false")
        .contains("\"categories\":[\"novacron\"]", "\"verbs\":[\"create\"");
    assertThat(get("/version", null)).contains("gitVersion");
    assertThat(get("/openapi/v2", null)).startsWith("404");
  }

  @Test
  void rendersPrinterColumnsAsATable() throws Exception {
    String table =
        get(
            "/apis/novacron.io/v1alpha1/namespaces/default/virtualmachines",
            "application/json;as=Table;v=v1;g=meta.k8s.io");
    assertThat(table)
        .startsWith("200")
        .contains("\"kind\":\"Table\"", "\"name\":\"Phase\"", "\"name\":\"Host\"");
  }

  @Test
  void filtersEventsByFieldSelector() throws Exception {
    String selected =
        get(
            "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb-1%2CinvolvedObject.kind%3DVirtualMachine%2CinvolvedObject.uid%3Duid-web-1&limit=500",
            null);
    assertThat(selected)
        .startsWith("200")
        .contains("started web-1")
        .doesNotContain("started web-2");
    String table =
        get("/api/v1/namespaces/default/events", "application/json;as=Table;v=v1;g=meta.k8s.io");
    assertThat(table).contains("\"name\":\"Reason\"", "started web-1", "started web-2");
  }

  /**
   * A JSON Patch that does not apply (a replace of a missing field, as a patch diffed from a stale
   * copy can be) is refused with a 422 Status, as by a real API server: the mock server's own
   * dispatcher throws, and the client then waited out its timeout.
   */
  @Test
  void refusesAPatchThatDoesNotApplyWithAStatus() throws Exception {
    String path = "/api/v1/namespaces/default/configmaps/patched";
    String created =
        send(
            request("/api/v1/namespaces/default/configmaps")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
                            + "{\"name\":\"patched\",\"namespace\":\"default\"},"
                            + "\"data\":{\"a\":\"1\"}}")));
    assertThat(created).startsWith("201");

    String refused =
        send(
            request(path)
                .header("Content-Type", "application/json-patch+json")
                .method(
                    "PATCH",
                    HttpRequest.BodyPublishers.ofString(
                        "[{\"op\":\"replace\",\"path\":\"/data/missing\",\"value\":\"2\"}]")));
    assertThat(refused)
        .startsWith("422")
        .contains("\"kind\":\"Status\"", "\"reason\":\"Invalid\"", "missing");
    assertThat(get(path, null)).startsWith("200").contains("\"a\":\"1\"");
  }

  @Test
  void refusesABodyThatIsNotJsonWithAStatus() throws Exception {
    String refused =
        send(
            request("/api/v1/namespaces/default/configmaps")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")));
    assertThat(refused)
        .startsWith("400")
        .contains("\"kind\":\"Status\"", "\"reason\":\"BadRequest\"", "not valid JSON");
  }
}
