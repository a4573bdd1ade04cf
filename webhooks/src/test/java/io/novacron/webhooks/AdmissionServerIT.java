package io.novacron.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.zjsonpatch.JsonPatch;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.policy.InformerClusterView;
import io.novacron.policy.TestVms;
import io.novacron.policy.testing.MockApi;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admission server over real HTTPS, with AdmissionReviews in the API server's wire format. */
class AdmissionServerIT {
  static final String POLICY =
      """
      namespaces:
      - names: [team-a]
        allowedNodePools: [pool-a]
        maxVcpusPerVm: 8
        quota: {vcpus: 10}
      """;

  @TempDir static Path dir;
  static MockApi api;
  static KubernetesClient kube;
  static InformerClusterView cluster;
  static AdmissionServer server;
  static Https https;
  static int port;
  static Path policyFile;
  static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    api = MockApi.start();
    kube = api.client();
    kube.resource(new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build())
        .create();
    var certs = SelfSignedCertificates.issue(dir.resolve("tls"), List.of("localhost"));
    policyFile = dir.resolve("policy.yaml");
    Files.writeString(policyFile, POLICY);
    cluster = new InformerClusterView(kube);
    server = new AdmissionServer(certs.cert(), certs.key(), policyFile, cluster);
    port = server.start("127.0.0.1", 0);
    https = new Https(port);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void allowsAndDeniesWithTheRuleAndTheLimit() throws Exception {
    JsonNode allowed = answer("/validate", review("CREATE", vm("web", 2), null));
    assertThat(allowed.at("/response/uid").asText()).isEqualTo("uid-1");
    assertThat(allowed.at("/response/allowed").asBoolean()).isTrue();
    assertThat(allowed.at("/apiVersion").asText()).isEqualTo("admission.k8s.io/v1");

    JsonNode denied = answer("/validate", review("CREATE", vm("huge", 9), null));
    assertThat(denied.at("/response/allowed").asBoolean()).isFalse();
    assertThat(denied.at("/response/status/code").asInt()).isEqualTo(403);
    assertThat(denied.at("/response/status/message").asText())
        .isEqualTo(
            "denied by rule max-vm-size: VirtualMachine huge would have 9 vCPUs; namespace team-a"
                + " allows at most 8 per VM");

    VirtualMachine moved = vm("web", 2);
    moved.getSpec().nodePool = "pool-b";
    JsonNode update = answer("/validate", review("UPDATE", moved, vm("web", 2)));
    assertThat(update.at("/response/status/message").asText())
        .startsWith("denied by rule immutable-placement: spec.nodePool of an existing");
    assertThat(https.get("/metrics").body())
        .contains("novacron_admission_denials_total{rule=\"max-vm-size\"}");
  }

  @Test
  void mutationReturnsAJsonPatchThatAddsTheDefaults() throws Exception {
    ObjectNode raw = (ObjectNode) json.valueToTree(vm("web", 2));
    ((ObjectNode) raw.get("spec")).remove("runStrategy");
    ObjectNode review = review("CREATE", vm("web", 2), null);
    ((ObjectNode) review.get("request")).set("object", raw);
    JsonNode answer = answer("/mutate", review);
    assertThat(answer.at("/response/allowed").asBoolean()).isTrue();
    assertThat(answer.at("/response/patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patch =
        json.readTree(Base64.getDecoder().decode(answer.at("/response/patch").asText()));
    JsonNode patched = JsonPatch.apply(patch, raw);
    assertThat(patched.at("/spec/runStrategy").asText()).isEqualTo("Always");
    assertThat(patched.at("/metadata/labels/novacron.io~1pool").asText()).isEqualTo("pool-a");
  }

  @Test
  void anObjectThatIsNotAValidResourceIsDeniedByValidationAndLeftToTheSchemaByMutation()
      throws Exception {
    ObjectNode badSpec = review("CREATE", vm("web", 1), null);
    ((ObjectNode) badSpec.at("/request/object/spec")).put("vcpus", "many");
    JsonNode validated = answer("/validate", badSpec);
    assertThat(validated.at("/response/uid").asText()).isEqualTo("uid-1");
    assertThat(validated.at("/response/allowed").asBoolean()).isFalse();
    assertThat(validated.at("/response/status/message").asText())
        .startsWith(
            "denied by rule schema: request.object is not a valid VirtualMachine: spec.vcpus:");
    assertThat(https.get("/metrics").body())
        .contains("novacron_admission_denials_total{rule=\"schema\"}");
    // the API server checks the schema after mutation and words the fault itself
    JsonNode mutated = answer("/mutate", badSpec);
    assertThat(mutated.at("/response/allowed").asBoolean()).isTrue();
    assertThat(mutated.at("/response/patch").isMissingNode()).isTrue();
  }

  /**
   * Fields this webhook's model lacks (a CRD upgraded before the webhook, the usual order) pass
   * with a warning that names them, instead of denying every object that uses them until the
   * webhook catches up; the rules still judge everything the webhook knows.
   */
  @Test
  void fieldsTheWebhookDoesNotKnowPassWithAWarningNamingThem() throws Exception {
    ObjectNode newer = review("CREATE", vm("web", 2), null);
    ((ObjectNode) newer.at("/request/object/spec")).put("gpus", 1);
    ((ObjectNode) newer.at("/request/object/spec")).putObject("future").put("mode", "fast");
    JsonNode validated = answer("/validate", newer);
    assertThat(validated.at("/response/allowed").asBoolean()).isTrue();
    assertThat(validated.at("/response/warnings").size()).isEqualTo(1);
    assertThat(validated.at("/response/warnings/0").asText())
        .isEqualTo(
            "not checked: spec.gpus, spec.future are unknown to this admission webhook (is the"
                + " NovaCron CRD newer than the webhook?)");

    ObjectNode tooBig = review("CREATE", vm("huge", 9), null);
    ((ObjectNode) tooBig.at("/request/object/spec")).put("gpus", 1);
    JsonNode denied = answer("/validate", tooBig);
    assertThat(denied.at("/response/allowed").asBoolean()).isFalse();
    assertThat(denied.at("/response/status/message").asText())
        .startsWith("denied by rule max-vm-size:");
    assertThat(denied.at("/response/warnings/0").asText()).startsWith("not checked: spec.gpus ");

    // mutation adds its defaults as usual and leaves the warning to validation
    JsonNode mutated = answer("/mutate", newer);
    assertThat(mutated.at("/response/allowed").asBoolean()).isTrue();
    assertThat(mutated.at("/response/warnings").isMissingNode()).isTrue();
  }

  @Test
  void aCreateWithGenerateNameGetsItsDefaultsBeforeTheApiServerNamesIt() throws Exception {
    VirtualMachine unnamed = vm("web", 2);
    unnamed.getMetadata().setName(null);
    unnamed.getMetadata().setGenerateName("web-");
    unnamed.getSpec().runStrategy = null;
    JsonNode mutated = answer("/mutate", review("CREATE", unnamed, null));
    assertThat(mutated.at("/response/allowed").asBoolean()).isTrue();
    JsonNode patch =
        json.readTree(Base64.getDecoder().decode(mutated.at("/response/patch").asText()));
    assertThat(JsonPatch.apply(patch, json.valueToTree(unnamed)).at("/spec/runStrategy").asText())
        .isEqualTo("Always");
    // by validation the API server has named it; an object still nameless there is refused
    JsonNode validated = answer("/validate", review("CREATE", unnamed, null));
    assertThat(validated.at("/response/allowed").asBoolean()).isFalse();
    assertThat(validated.at("/response/status/message").asText())
        .isEqualTo("denied by rule schema: request.object.metadata.name is required");
  }

  @Test
  void quotasCountTheVmsInTheClusterAcrossCreatesAndDeletes() throws Exception {
    kube.resource(vm("q1", 4)).create();
    kube.resource(vm("q2", 4)).create();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cluster.virtualMachines("team-a").size() == 2);
    assertThat(
            answer("/validate", review("CREATE", vm("q3", 3), null))
                .at("/response/status/message")
                .asText())
        .isEqualTo("denied by rule quota: namespace team-a would use 11 vCPUs, quota is 10");
    // growing q1 past the quota is denied; its old size is not counted twice
    assertThat(
            answer("/validate", review("UPDATE", vm("q1", 6), vm("q1", 4)))
                .at("/response/allowed")
                .asBoolean())
        .isTrue();
    assertThat(
            answer("/validate", review("UPDATE", vm("q1", 7), vm("q1", 4)))
                .at("/response/allowed")
                .asBoolean())
        .isFalse();
    kube.resource(vm("q2", 4)).delete();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cluster.virtualMachines("team-a").size() == 1);
    assertThat(
            answer("/validate", review("CREATE", vm("q3", 3), null))
                .at("/response/allowed")
                .asBoolean())
        .isTrue();
    // a pool with VMs cannot be deleted (DELETE carries oldObject only)
    ObjectNode deletePool = review("DELETE", null, TestVms.pool("pool-a", "h1", "qemu:///system"));
    ((ObjectNode) deletePool.at("/request/kind")).put("kind", "NodePool");
    ((ObjectNode) deletePool.get("request")).remove("namespace");
    assertThat(answer("/validate", deletePool).at("/response/status/message").asText())
        .isEqualTo(
            "denied by rule pool-in-use: NodePool pool-a still has 1 VirtualMachine(s) (team-a/q1);"
                + " delete them first");
    kube.resource(vm("q1", 4)).delete();
  }

  @Test
  void aChangedPolicyFileAppliesWithoutRestart() throws Exception {
    byte[] big = json.writeValueAsBytes(review("CREATE", vm("six", 6), null));
    assertThat(
            json.readTree(https.post("/validate", big).body()).at("/response/allowed").asBoolean())
        .isTrue();
    writeLater(policyFile, POLICY.replace("maxVcpusPerVm: 8", "maxVcpusPerVm: 4"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                !json.readTree(https.post("/validate", big).body())
                    .at("/response/allowed")
                    .asBoolean());
    // a broken file leaves the last good policy in force and says so on /healthz
    writeLater(policyFile, "namespaces: [[[");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> https.get("/healthz").body().contains("policyProblem"));
    assertThat(
            json.readTree(https.post("/validate", big).body()).at("/response/allowed").asBoolean())
        .isFalse();
    writeLater(policyFile, POLICY);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                json.readTree(https.post("/validate", big).body())
                    .at("/response/allowed")
                    .asBoolean());
  }

  @Test
  void aNewCertificateIsServedWithoutRestart() throws Exception {
    X509Certificate before = servedCertificate();
    Thread.sleep(1100); // a new modification time, even on file systems with 1 s resolution
    SelfSignedCertificates.issue(dir.resolve("tls"), List.of("localhost"));
    // every poll is a new handshake: none may fail while the certificate is swapped
    await().atMost(Duration.ofSeconds(10)).until(() -> !servedCertificate().equals(before));
    X509Certificate second = servedCertificate();

    // a key that does not belong to the certificate is refused and the current pair keeps serving
    Path tls = dir.resolve("tls");
    byte[] key = Files.readAllBytes(tls.resolve("tls.key"));
    Thread.sleep(1100);
    SelfSignedCertificates.issue(tls, List.of("localhost"));
    Files.write(tls.resolve("tls.key"), key);
    Thread.sleep(3000); // three file checks
    assertThat(servedCertificate()).isEqualTo(second);
    SelfSignedCertificates.issue(tls, List.of("localhost")); // a matching pair again
    assertThat(
            answer("/validate", review("CREATE", vm("web", 1), null))
                .at("/response/allowed")
                .asBoolean())
        .isTrue();
  }

  @Test
  void badRequestsGetA400AndTheServerStaysHealthy() throws Exception {
    ObjectNode good = review("CREATE", vm("web", 1), null);
    assertBad("{not json", "body is not JSON");
    assertBad("[1,2]", "body is not a JSON object");
    ObjectNode wrongVersion = good.deepCopy().put("apiVersion", "admission.k8s.io/v1beta1");
    assertBad(wrongVersion.toString(), "expected an AdmissionReview of admission.k8s.io/v1");
    ObjectNode noUid = good.deepCopy();
    ((ObjectNode) noUid.get("request")).remove("uid");
    assertBad(noUid.toString(), "request field 'uid' is missing");
    ObjectNode noObject = good.deepCopy();
    ((ObjectNode) noObject.get("request")).remove("object");
    assertBad(noObject.toString(), "request.object is required for CREATE");
    ObjectNode pod = good.deepCopy();
    ((ObjectNode) pod.at("/request/kind")).put("group", "").put("kind", "Pod");
    assertBad(pod.toString(), "request.kind /Pod is not a NovaCron resource");
    byte[] huge = new byte[(int) AdmissionServer.MAX_BODY_BYTES + 1024];
    java.util.Arrays.fill(huge, (byte) ' ');
    HttpResponse<String> tooBig = https.post("/validate", huge);
    assertThat(tooBig.statusCode()).isEqualTo(400);
    assertThat(tooBig.body()).contains("larger than");
    assertThat(https.get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void randomlyCorruptedReviewsAreEachAnsweredAndTheServerStaysHealthy() throws Exception {
    byte[] valid = json.writeValueAsBytes(review("UPDATE", vm("web", 2), vm("web", 1)));
    Random random = new Random(42);
    int answered = 0;
    for (int i = 0; i < 400; i++) {
      byte[] corrupted = corrupt(valid, random);
      HttpResponse<String> r = https.post(i % 2 == 0 ? "/validate" : "/mutate", corrupted);
      assertThat(r.statusCode())
          .as("request %d: %s", i, new String(corrupted, StandardCharsets.UTF_8))
          .isIn(200, 400);
      json.readTree(r.body()); // always a JSON body
      answered++;
    }
    assertThat(answered).isEqualTo(400);
    assertThat(https.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(
            answer("/validate", review("CREATE", vm("web", 1), null))
                .at("/response/allowed")
                .asBoolean())
        .isTrue();
  }

  private static byte[] corrupt(byte[] valid, Random random) {
    byte[] b = valid.clone();
    switch (random.nextInt(4)) {
      case 0 -> { // flip a few bytes
        for (int k = 0; k < 1 + random.nextInt(5); k++) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(128);
        }
      }
      case 1 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length)); // truncate
      case 2 -> { // a value swapped for another type
        String s = new String(b, StandardCharsets.UTF_8);
        String[] values = {"null", "[]", "{}", "-1", "\"x\"", "true", "1e999"};
        s = s.replaceFirst(":\"[^\"]*\"", ":" + values[random.nextInt(values.length)]);
        s = s.replaceFirst(":[0-9]+", ":" + values[random.nextInt(values.length)]);
        b = s.getBytes(StandardCharsets.UTF_8);
      }
      default -> { // a field dropped
        String s = new String(b, StandardCharsets.UTF_8);
        String[] fields = {
          "\"uid\"", "\"kind\"", "\"spec\"", "\"metadata\"", "\"operation\"", "\"request\""
        };
        s = s.replaceFirst(fields[random.nextInt(fields.length)], "\"gone\"");
        b = s.getBytes(StandardCharsets.UTF_8);
      }
    }
    return b;
  }

  private static void assertBad(String body, String message) throws Exception {
    HttpResponse<String> r = https.post("/validate", body.getBytes(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json.readTree(r.body()).path("detail").asText()).contains(message);
  }

  private static X509Certificate servedCertificate() throws Exception {
    HttpResponse<String> r = new Https(port).get("/healthz"); // a new connection, a new handshake
    return (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
  }

  /** Writes the file with a modification time one second later than before. */
  private static void writeLater(Path file, String content) throws Exception {
    FileTime before = Files.getLastModifiedTime(file);
    Files.writeString(file, content);
    Files.setLastModifiedTime(
        file,
        FileTime.from(
            before.toInstant().plusSeconds(1).isAfter(Instant.now())
                ? before.toInstant().plusSeconds(1)
                : Instant.now()));
  }

  private static JsonNode answer(String path, ObjectNode review) throws Exception {
    HttpResponse<String> r = https.post(path, json.writeValueAsBytes(review));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  static VirtualMachine vm(String name, int vcpus) {
    VirtualMachine vm = TestVms.vm("team-a", name, "pool-a");
    vm.getMetadata().setUid(null);
    vm.getSpec().vcpus = vcpus;
    return vm;
  }

  /** An AdmissionReview of a VM of namespace team-a, as the API server sends it. */
  static ObjectNode review(String operation, Object object, Object oldObject) {
    return AdmissionReviews.request(
        "uid-1",
        operation,
        "team-a",
        "VirtualMachine",
        object == null ? null : json.valueToTree(object),
        oldObject == null ? null : json.valueToTree(oldObject));
  }
}
