package io.novacron.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.novacron.crds.common.Conditions;
import io.novacron.crds.common.MigrationMode;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.migration.MigrationSpec;
import io.novacron.crds.migration.MigrationStatus;
import io.novacron.crds.nodepool.HostStatus;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.vm.RunStrategy;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus.Phase;
import io.novacron.operator.config.OperatorConfig;
import io.novacron.operator.kube.ConflictRetry;
import io.novacron.policy.AdmissionRequest;
import io.novacron.policy.AdmissionRules;
import io.novacron.policy.ClusterView;
import io.novacron.policy.PolicyFile;
import io.novacron.policy.TestVms;
import io.novacron.policy.testing.MockApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * The real operator against the Fabric8 mock API server (CRUD mode) and libvirt's in-process test
 * driver: placement, domain lifecycle, status, Events and bad input, without QEMU.
 */
class OperatorOnMockServerTest {
  static final String NS = "mock-test";
  static final String TEST_HOST = "test:///default";
  static final String DEAD_HOST = "qemu+unix:///system?socket=/nonexistent/libvirt-sock";

  static MockApi api;
  static KubernetesClient client;
  static NovaCronOperator operator;

  /** The tenancy policy the operator runs with; no webhook is installed in these tests. */
  static final String POLICY =
      """
      namespaces:
      - names: [mock-test]
        allowedBootPathPrefixes: [/boot/]
        allowedMigrationModes: [Live]
      """;

  static Path policyFile;

  @BeforeAll
  static void start() throws Exception {
    policyFile = Path.of("target/mock-server-test-policy.yaml").toAbsolutePath();
    Files.createDirectories(policyFile.getParent());
    Files.writeString(policyFile, POLICY);
    api = MockApi.start();
    client = api.client();
    operator =
        NovaCronOperator.start(
            client,
            OperatorConfig.from(
                Map.of(
                    "NOVACRON_DOMAIN_TYPE", "qemu",
                    "NOVACRON_POOL_POLL_INTERVAL", "1s",
                    "NOVACRON_VM_POLL_INTERVAL", "1s",
                    "NOVACRON_START_RETRY_INTERVAL", "1s",
                    "NOVACRON_LIBVIRT_CALL_TIMEOUT", "3s",
                    "NOVACRON_SHUTDOWN_GRACE_PERIOD", "2s",
                    "NOVACRON_HTTP_PORT", "0",
                    "NOVACRON_POLICY_FILE", policyFile.toString(),
                    "NOVACRON_DATA_DIR", "target/mock-server-test-data")));
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void poolReportsEachHostTruthfullyIncludingBadOnes() {
    NodePool pool =
        TestVms.pool(
            "mixed", "good", TEST_HOST, "not-libvirt", "https://kvm1/system", "dead", DEAD_HOST);
    client.resource(pool).create();

    NodePool seen =
        awaitPool("mixed", p -> p.getStatus() != null && p.getStatus().totalHosts != null);
    assertThat(seen.getStatus().hostsReady).isEqualTo("1/3");
    HostStatus good = host(seen, "good");
    assertThat(good.ready).isTrue();
    assertThat(good.capacity.cpus).isEqualTo(16);
    assertThat(good.capacity.memoryMiB).isEqualTo(3072);
    assertThat(good.healthScore).isBetween(1, 100);
    assertThat(good.unmanagedDomains).contains("test");
    assertThat(good.lastSeen).isNotNull();
    assertThat(host(seen, "not-libvirt").message).contains("is not a libvirt QEMU URI");
    assertThat(host(seen, "dead").message).contains("cannot connect to " + DEAD_HOST);
    assertThat(host(seen, "dead").healthScore).isZero();
    assertThat(condition(seen.getStatus().conditions, Conditions.DEGRADED).getStatus())
        .isEqualTo("True");
    assertThat(condition(seen.getStatus().conditions, Conditions.AVAILABLE).getStatus())
        .isEqualTo("True");
    assertThat(eventReasons("default", "mixed")).contains("HostNotReady");
  }

  @Test
  void vmIsPlacedStartedReportedAndRemovedOnDelete() throws Exception {
    client.resource(TestVms.pool("single", "only", TEST_HOST)).create();
    VirtualMachine vm = TestVms.vm(NS, "web", "single");
    create(vm);

    VirtualMachine running = awaitVm("web", v -> phase(v) == Phase.Running);
    String uuid = running.getMetadata().getUid();
    assertThat(running.getStatus().host).isEqualTo("only");
    assertThat(running.getStatus().domainName).isEqualTo(NS + "_web");
    assertThat(running.getStatus().observedGeneration).isEqualTo(1L);
    assertThat(condition(running.getStatus().conditions, Conditions.READY).getStatus())
        .isEqualTo("True");
    assertThat(running.getMetadata().getFinalizers()).isNotEmpty();
    assertThat(testDomainActive(uuid)).contains(true);
    assertThat(eventReasons(NS, "web")).contains("Scheduled", "Started");

    // the pool counts what is placed on it
    awaitPool("single", p -> p.getStatus() != null && p.getStatus().vmCount == 1);

    client.resource(running).delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> client.resource(running).get() == null);
    assertThat(testDomainActive(uuid)).isEmpty();
  }

  @Test
  void aVmCarryingFieldsOfANewerCrdRunsOnWhatTheOperatorKnowsAndKeepsThem() {
    client.resource(TestVms.pool("newer-pool", "h", TEST_HOST)).createOr(r -> r.update());
    createWithSpecField(TestVms.vm(NS, "newer", "newer-pool"), "gpus", 2);

    // fabric8 alone failed the informer's watch on it, and JOSDK then exited the whole JVM
    awaitVm("newer", v -> phase(v) == Phase.Running);
    VirtualMachine later = TestVms.vm(NS, "after-newer", "newer-pool");
    create(later);
    awaitVm("after-newer", v -> phase(v) == Phase.Running);

    Map<?, ?> storedSpec =
        (Map<?, ?>)
            rawVirtualMachines().withName("newer").get().getAdditionalProperties().get("spec");
    assertThat(storedSpec.get("gpus")).as("the operator's writes keep it").isEqualTo(2);
  }

  @Test
  void aVmOfABackendTheOperatorDoesNotKnowIsInvalidNotStartedOnLibvirt() throws Exception {
    client.resource(TestVms.pool("newer-pool", "h", TEST_HOST)).createOr(r -> r.update());
    createWithSpecField(TestVms.vm(NS, "firecracker", "newer-pool"), "backend", "Firecracker");

    VirtualMachine seen =
        awaitInvalidSpec(
            "firecracker", "spec.backend: \"Firecracker\" is not one of Libvirt, KubeVirt");
    assertThat(testDomainActive(seen.getMetadata().getUid())).isEmpty();
    Map<?, ?> storedSpec =
        (Map<?, ?>)
            rawVirtualMachines()
                .withName("firecracker")
                .get()
                .getAdditionalProperties()
                .get("spec");
    assertThat(storedSpec.get("backend"))
        .as("the operator's writes keep it")
        .isEqualTo("Firecracker");
  }

  @Test
  void aPoolHoldingAValueTheOperatorDoesNotKnowGetsNothingPlacedNorMoved() {
    client.resource(TestVms.pool("storage-pool", "h", TEST_HOST)).createOr(r -> r.update());
    VirtualMachine before = TestVms.vm(NS, "before-upgrade", "storage-pool");
    create(before);
    awaitVm("before-upgrade", v -> phase(v) == Phase.Running);

    // the NodePool CRD gains a storage kind this operator does not know, and the pool uses it
    // (retried: the operator writes the pool's status meanwhile)
    ConflictRetry.edit(
        () ->
            raw("NodePool", "nodepools", false)
                .withName("storage-pool")
                .edit(
                    pool -> {
                      @SuppressWarnings("unchecked")
                      Map<String, Object> spec =
                          (Map<String, Object>) pool.getAdditionalProperties().get("spec");
                      spec.put("storage", "Replicated");
                      return pool;
                    }));
    String unknown = "spec.storage: \"Replicated\" is not one of Shared, Local";
    awaitPool(
        "storage-pool",
        p ->
            p.getStatus() != null
                && p.getStatus().conditions.stream()
                    .anyMatch(
                        c ->
                            Conditions.VALID.equals(c.getType())
                                && unknown.equals(c.getMessage())));

    VirtualMachine after = TestVms.vm(NS, "after-upgrade", "storage-pool");
    create(after);
    VirtualMachine waiting = awaitUnscheduled("after-upgrade", "NodePoolNotUnderstood");
    assertThat(condition(waiting.getStatus().conditions, Conditions.SCHEDULED).getMessage())
        .isEqualTo("NodePool 'storage-pool' holds values this operator does not know: " + unknown);

    client
        .resource(migration("move-in-unknown-pool", "before-upgrade", MigrationMode.Live))
        .create();
    Migration failed = awaitFailedMigration("move-in-unknown-pool");
    assertThat(failed.getStatus().failureReason).startsWith("NodePoolNotUnderstood");
    assertThat(awaitVm("before-upgrade", v -> true).getStatus().host).isEqualTo("h");
  }

  @Test
  void anInvalidPoolPlacesNothingNewUntilItIsMended() {
    NodePool invalid = TestVms.pool("invalid-pool", "h", TEST_HOST);
    invalid.getSpec().overcommit.cpu = 0; // as when no webhook or schema checks it
    client.resource(invalid).createOr(r -> r.update());
    VirtualMachine vm = TestVms.vm(NS, "in-invalid-pool", "invalid-pool");
    create(vm);

    VirtualMachine waiting = awaitUnscheduled("in-invalid-pool", "NodePoolInvalid");
    assertThat(condition(waiting.getStatus().conditions, Conditions.SCHEDULED).getMessage())
        .isEqualTo(
            "NodePool 'invalid-pool' has an invalid spec: overcommit ratios must be positive");
    assertThat(waiting.getStatus().host).isNull();

    ConflictRetry.edit(
        () ->
            client
                .resources(NodePool.class)
                .withName("invalid-pool")
                .edit(
                    p -> {
                      p.getSpec().overcommit.cpu = 4;
                      return p;
                    }));
    assertThat(awaitVm("in-invalid-pool", v -> phase(v) == Phase.Running).getStatus().host)
        .isEqualTo("h");
  }

  @Test
  void aMigrationWhoseStatusANewerOperatorWroteIsLeftAlone() {
    client.resource(migration("newer-move", "no-such-vm", MigrationMode.Live)).create();
    awaitFailedMigration("newer-move");

    // as a newer operator (rolled back since) would have left it: in a phase this one lacks
    ConflictRetry.edit(
        () ->
            raw("Migration", "migrations", true)
                .inNamespace(NS)
                .withName("newer-move")
                .editStatus(
                    m -> {
                      m.getAdditionalProperties()
                          .put("status", Map.of("phase", "Verifying", "sourceHost", "h"));
                      return m;
                    }));
    // the operator meets it again when it starts (as after the rollback) or, as here, on an edit
    ConflictRetry.edit(
        () ->
            client
                .resources(Migration.class)
                .inNamespace(NS)
                .withName("newer-move")
                .edit(
                    m -> {
                      m.getSpec().cancel = true;
                      return m;
                    }));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> eventReasons(NS, "newer-move").contains("StatusNotUnderstood"));
    Map<?, ?> status =
        (Map<?, ?>)
            raw("Migration", "migrations", true)
                .inNamespace(NS)
                .withName("newer-move")
                .get()
                .getAdditionalProperties()
                .get("status");
    assertThat(status).isEqualTo(Map.of("phase", "Verifying", "sourceHost", "h"));
  }

  @Test
  void theOperatorRefusesAClientThatReadsStrictly() {
    try (KubernetesClient strict =
        new KubernetesClientBuilder().withConfig(client.getConfiguration()).build()) {
      assertThatThrownBy(() -> NovaCronOperator.start(strict, OperatorConfig.from(Map.of())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("TolerantSerialization");
    }
  }

  @Test
  void invalidSpecGetsAConditionAndEventAndNothingIsDefined() {
    VirtualMachine vm = TestVms.vm(NS, "tiny", "single");
    vm.getSpec().memory = new Quantity("1Mi");
    vm.getSpec().vcpus = 0;
    create(vm);

    awaitInvalidSpec(
        "tiny", "spec.vcpus must be at least 1; spec.memory must be at least 64Mi, got 1Mi");
    assertThat(eventReasons(NS, "tiny")).contains("InvalidSpec");
  }

  @Test
  void missingPoolIsReportedAndTheVmStartsOnceThePoolAppears() {
    VirtualMachine vm = TestVms.vm(NS, "early", "late-pool");
    create(vm);

    VirtualMachine waiting = awaitUnscheduled("early", "NodePoolNotFound");
    assertThat(condition(waiting.getStatus().conditions, Conditions.SCHEDULED).getMessage())
        .isEqualTo("NodePool 'late-pool' does not exist");
    assertThat(phase(waiting)).isEqualTo(Phase.Pending);

    client.resource(TestVms.pool("late-pool", "h", TEST_HOST)).create();
    awaitVm("early", v -> phase(v) == Phase.Running);
  }

  @Test
  void vmTooBigForEveryHostIsUnschedulableWithReasons() {
    client.resource(TestVms.pool("small", "t", TEST_HOST, "d", DEAD_HOST)).create();
    VirtualMachine vm = TestVms.vm(NS, "huge", "small");
    vm.getSpec().vcpus = 1000;
    create(vm);

    VirtualMachine seen = awaitUnscheduled("huge", "Unschedulable");
    assertThat(condition(seen.getStatus().conditions, Conditions.SCHEDULED).getMessage())
        .startsWith("no host fits: t: needs 1000 vCPUs, 64 free; d: not ready (cannot connect");
    assertThat(eventReasons(NS, "huge")).contains("Unschedulable");
  }

  @Test
  void haltedVmIsShutDownAndStaysDown() throws Exception {
    client.resource(TestVms.pool("halt-pool", "h", TEST_HOST)).createOr(r -> r.update());
    VirtualMachine vm = TestVms.vm(NS, "sleepy", "halt-pool");
    create(vm);
    VirtualMachine running = awaitVm("sleepy", v -> phase(v) == Phase.Running);

    client
        .resources(VirtualMachine.class)
        .inNamespace(NS)
        .withName("sleepy")
        .edit(
            v -> {
              v.getSpec().runStrategy = RunStrategy.Halted;
              return v;
            });

    VirtualMachine stopped = awaitVm("sleepy", v -> phase(v) == Phase.Stopped);
    assertThat(condition(stopped.getStatus().conditions, Conditions.READY).getReason())
        .isEqualTo("Halted");
    assertThat(testDomainActive(running.getMetadata().getUid())).contains(false);
  }

  @Test
  void withoutAWebhookTheReconcilersEnforceThePolicyWithTheWebhooksMessages() throws Exception {
    client.resource(TestVms.pool("guarded", "g", TEST_HOST)).create();
    VirtualMachine foreign = TestVms.vm(NS, "foreign-kernel", "guarded");
    foreign.getSpec().boot.kernel = "/etc/passwd";
    create(foreign);
    String webhookMessage =
        new AdmissionRules(() -> PolicyFile.parse(POLICY))
            .review(
                new AdmissionRequest(AdmissionRequest.Operation.CREATE, NS, foreign, null),
                new ClusterView() {
                  @Override
                  public List<VirtualMachine> virtualMachines(String namespace) {
                    return List.of();
                  }

                  @Override
                  public List<VirtualMachine> virtualMachinesInPool(String nodePool) {
                    return List.of();
                  }

                  @Override
                  public Map<String, String> namespaceLabels(String namespace) {
                    return Map.of();
                  }
                })
            .describe();
    VirtualMachine refused =
        awaitVm("foreign-kernel", v -> hasCondition(v, Conditions.SCHEDULED, "PolicyDenied"));
    assertThat(condition(refused.getStatus().conditions, Conditions.SCHEDULED).getMessage())
        .isEqualTo(webhookMessage)
        .isEqualTo(
            "denied by rule allowed-boot-paths: VirtualMachine foreign-kernel uses /etc/passwd;"
                + " namespace mock-test may only use paths under [/boot/]");
    assertThat(refused.getStatus().host).isNull();

    // a pool that still has VMs is not deleted; it goes once they are gone
    VirtualMachine resident = TestVms.vm(NS, "resident", "guarded");
    create(resident);
    awaitVm("resident", v -> phase(v) == Phase.Running);
    client.resources(NodePool.class).withName("guarded").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> eventReasons("default", "guarded").contains("DeletionBlocked"));
    assertThat(client.resources(NodePool.class).withName("guarded").get()).isNotNull();

    // a Migration in a mode the namespace may not use fails with the policy's reason
    client.resource(migration("cold-move", "resident", MigrationMode.Cold)).create();
    Migration failed = awaitFailedMigration("cold-move");
    assertThat(failed.getStatus().failureReason).startsWith("PolicyDenied: ");
    assertThat(failed.getStatus().message)
        .isEqualTo(
            "denied by rule allowed-migration-modes: namespace mock-test allows migration modes"
                + " [Live]; Migration cold-move asks for Cold");

    client.resources(Migration.class).inNamespace(NS).withName("cold-move").delete();
    client.resources(VirtualMachine.class).inNamespace(NS).withName("resident").delete();
    client.resources(VirtualMachine.class).inNamespace(NS).withName("foreign-kernel").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.resources(NodePool.class).withName("guarded").get() == null);
  }

  @Test
  void prometheusMetricsCarryReconcileTimingsAndSampleCounters() throws Exception {
    client.resource(TestVms.pool("metrics-pool", "h", TEST_HOST)).createOr(r -> r.update());
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.URI metrics =
        java.net.URI.create("http://127.0.0.1:" + operator.httpPort() + "/metrics");
    String scrape =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    http.send(
                            java.net.http.HttpRequest.newBuilder(metrics).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body(),
                body -> body.contains("operator_sdk_reconciliations_success_total"));
    assertThat(scrape)
        .contains("operator_sdk_controllers_execution_reconcile_seconds_count")
        .contains("novacron_samples_queue_depth")
        .contains("novacron_samples_collected_total{kind=\"vm\"}")
        .contains("novacron_samples_dropped_total");
  }

  private static VirtualMachine awaitVm(
      String name, java.util.function.Predicate<VirtualMachine> p) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> client.resources(VirtualMachine.class).inNamespace(NS).withName(name).get(),
            v -> v != null && p.test(v));
  }

  /** Waits for the VM to fail as InvalidSpec with {@code message}, unplaced. */
  /** Creates the VM as a user would, without the uid the test fixtures give it. */
  private static void create(VirtualMachine vm) {
    vm.getMetadata().setUid(null);
    client.resource(vm).create();
  }

  private static VirtualMachine awaitUnscheduled(String name, String reason) {
    return awaitVm(name, v -> hasCondition(v, Conditions.SCHEDULED, reason));
  }

  private static VirtualMachine awaitInvalidSpec(String name, String message) {
    VirtualMachine seen = awaitVm(name, v -> phase(v) == Phase.Failed);
    Condition ready = condition(seen.getStatus().conditions, Conditions.READY);
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).isEqualTo(message);
    assertThat(seen.getStatus().host).isNull();
    return seen;
  }

  private static Migration migration(String name, String vm, MigrationMode mode) {
    Migration m = new Migration();
    m.getMetadata().setNamespace(NS);
    m.getMetadata().setName(name);
    m.setSpec(new MigrationSpec());
    m.getSpec().vmName = vm;
    m.getSpec().mode = mode;
    return m;
  }

  private static Migration awaitFailedMigration(String name) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> client.resources(Migration.class).inNamespace(NS).withName(name).get(),
            m -> m.getStatus() != null && m.getStatus().phase == MigrationStatus.Phase.Failed);
  }

  /** Creates {@code vm} with one more spec field than the model has (or another value for one). */
  private static void createWithSpecField(VirtualMachine vm, String name, Object value) {
    vm.getMetadata().setUid(null);
    GenericKubernetesResource raw =
        client.getKubernetesSerialization().convertValue(vm, GenericKubernetesResource.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec =
        new java.util.LinkedHashMap<>(
            (Map<String, Object>) raw.getAdditionalProperties().get("spec"));
    spec.put(name, value);
    raw.setAdditionalProperty("spec", spec);
    rawVirtualMachines().resource(raw).create();
  }

  private static NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      rawVirtualMachines() {
    return raw("VirtualMachine", "virtualmachines", true).inNamespace(NS);
  }

  /** NovaCron resources as the API stores them, with fields and values the model lacks. */
  private static MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      raw(String kind, String plural, boolean namespaced) {
    return client.genericKubernetesResources(
        new ResourceDefinitionContext.Builder()
            .withGroup("novacron.io")
            .withVersion("v1alpha1")
            .withKind(kind)
            .withPlural(plural)
            .withNamespaced(namespaced)
            .build());
  }

  private static NodePool awaitPool(String name, java.util.function.Predicate<NodePool> p) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> client.resources(NodePool.class).withName(name).get(),
            v -> v != null && p.test(v));
  }

  private static Phase phase(VirtualMachine v) {
    return v.getStatus() == null ? null : v.getStatus().phase;
  }

  private static boolean hasCondition(VirtualMachine v, String type, String reason) {
    return v.getStatus() != null
        && v.getStatus().conditions.stream()
            .anyMatch(c -> type.equals(c.getType()) && reason.equals(c.getReason()));
  }

  private static Condition condition(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }

  private static HostStatus host(NodePool pool, String name) {
    return pool.getStatus().hosts.stream()
        .filter(h -> name.equals(h.name))
        .findFirst()
        .orElseThrow();
  }

  private static List<String> eventReasons(String namespace, String name) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }

  /**
   * Whether the test driver's domain runs; empty when it is not defined. Its handle is freed and
   * the connection closed, or they would keep the test driver's domains alive for the next test.
   */
  private static Optional<Boolean> testDomainActive(String uuid) throws LibvirtException {
    Connect conn = new Connect(TEST_HOST);
    try {
      Domain d = conn.domainLookupByUUIDString(uuid);
      try {
        return Optional.of(d.isActive() == 1);
      } finally {
        d.free();
      }
    } catch (LibvirtException e) {
      return Optional.empty();
    } finally {
      conn.close();
    }
  }
}
