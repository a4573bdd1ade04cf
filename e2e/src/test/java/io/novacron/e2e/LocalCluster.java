package io.novacron.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.novacron.crds.nodepool.HostSpec;
import io.novacron.crds.nodepool.HostStatus;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.nodepool.NodePoolSpec;
import io.novacron.crds.vm.BootSpec;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineSpec;
import io.novacron.crds.vm.VirtualMachineStatus.Phase;
import io.novacron.operator.NovaCronOperator;
import io.novacron.operator.config.OperatorConfig;
import io.novacron.sandbox.LocalHosts;
import io.novacron.sandbox.MockKubernetes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The ITs' world: real local libvirt hosts, the mock Kubernetes API and the operator, one set per
 * test class (started in its BeforeAll, stopped in its AfterAll), with helpers to make and watch
 * resources in namespace {@value #NS}.
 */
final class LocalCluster {
  static final String NS = "it";
  static final Duration BOOT = Duration.ofSeconds(90);
  static final String BOOTED = LocalHosts.GUEST_BOOTED;

  /**
   * The test guests' kernel command line. {@code no_timer_check}: under TCG on a busy machine the
   * kernel's boot-time timer check can fail and panic ("IO-APIC + timer doesn't work"), as a guest
   * did once in CI.
   */
  static final String GUEST_CMDLINE = "console=ttyS0 quiet no_timer_check";

  static LocalHosts hosts;
  static MockKubernetes api;
  static KubernetesClient client;
  static NovaCronOperator operator;
  private static OperatorConfig config;

  private LocalCluster() {}

  /**
   * Starts {@code n} hosts under {@code workDir}, the API and the operator (with {@code extra}
   * settings).
   */
  static void start(String workDir, int n, Map<String, String> extra) {
    Path repo = LocalHosts.findRepo();
    hosts = new LocalHosts(repo, repo.resolve(workDir));
    hosts.startClean(n);
    api = MockKubernetes.start(0);
    client = api.client();
    Map<String, String> config =
        new HashMap<>(
            Map.of(
                "NOVACRON_DOMAIN_TYPE", "qemu",
                "NOVACRON_POOL_POLL_INTERVAL", "1s",
                "NOVACRON_VM_POLL_INTERVAL", "1s",
                "NOVACRON_START_RETRY_INTERVAL", "2s",
                "NOVACRON_LIBVIRT_CALL_TIMEOUT", "5s",
                "NOVACRON_RECONNECT_BACKOFF_MAX", "2s",
                "NOVACRON_SAMPLE_INTERVAL", "1s",
                "NOVACRON_USAGE_REFRESH", "2s",
                "NOVACRON_HTTP_PORT", "0",
                "NOVACRON_DATA_DIR", hosts.work().resolve("data").toString()));
    config.putAll(extra);
    LocalCluster.config = OperatorConfig.from(config);
    operator = NovaCronOperator.start(client, LocalCluster.config);
  }

  /**
   * Stops the operator and starts a new one with the same settings, as a crash and a restart would;
   * work running in libvirt (a migration job) goes on meanwhile.
   */
  static void restartOperator() {
    operator.close();
    operator = NovaCronOperator.start(client, config);
  }

  static void stop() {
    try {
      if (operator != null) {
        operator.close();
      }
      if (api != null) {
        api.close();
      }
    } finally {
      if (hosts != null) {
        hosts.close();
      }
    }
  }

  static NodePool pool(String name, int... hostNumbers) {
    NodePool pool = new NodePool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
    pool.setSpec(new NodePoolSpec());
    for (int k : hostNumbers) {
      HostSpec h = new HostSpec();
      h.name = "host" + k;
      h.uri = hosts.uri(k);
      pool.getSpec().hosts.add(h);
    }
    return pool;
  }

  static String uri(String hostName) {
    return hosts.uri(Integer.parseInt(hostName.substring("host".length())));
  }

  static VirtualMachine vm(String name, String pool) {
    VirtualMachine vm = new VirtualMachine();
    vm.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
    VirtualMachineSpec spec = new VirtualMachineSpec();
    spec.nodePool = pool;
    spec.memory = new Quantity("128Mi");
    spec.boot = new BootSpec();
    spec.boot.kernel = hosts.guestKernel().toString();
    spec.boot.initrd = hosts.guestInitrd().toString();
    spec.boot.cmdline = GUEST_CMDLINE;
    vm.setSpec(spec);
    return vm;
  }

  static VirtualMachine create(VirtualMachine vm) {
    return client.resource(vm).create();
  }

  static void edit(String name, UnaryOperator<VirtualMachine> change) {
    retryingConflicts(
        () -> client.resources(VirtualMachine.class).inNamespace(NS).withName(name).edit(change));
  }

  /**
   * Runs an edit again when the operator's status write got in between its read and its patch:
   * Fabric8's {@code edit} sends the resourceVersion it read, and the API answers 409.
   */
  static void retryingConflicts(Runnable edit) {
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptionsMatching(
            e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(
            () -> {
              edit.run();
              return true;
            });
  }

  static VirtualMachine awaitPhase(String name, Phase phase) {
    return awaitVm(name, v -> v.getStatus() != null && v.getStatus().phase == phase);
  }

  static VirtualMachine awaitVm(String name, Predicate<VirtualMachine> p) {
    return explained(
        name,
        () ->
            await()
                .atMost(BOOT)
                .until(
                    () ->
                        client.resources(VirtualMachine.class).inNamespace(NS).withName(name).get(),
                    v -> v != null && v.getStatus() != null && p.test(v)));
  }

  /** Runs a wait; when it times out, the failure shows the VM as it is and its Events. */
  static <T> T explained(String vm, java.util.function.Supplier<T> wait) {
    try {
      return wait.get();
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      VirtualMachine now =
          client.resources(VirtualMachine.class).inNamespace(NS).withName(vm).get();
      List<String> events =
          client.v1().events().inNamespace(NS).list().getItems().stream()
              .filter(ev -> vm.equals(ev.getInvolvedObject().getName()))
              .map(ev -> ev.getReason() + ": " + ev.getMessage())
              .toList();
      throw new AssertionError(
          e.getMessage()
              + "\nVM now: "
              + (now == null ? "gone" : client.getKubernetesSerialization().asYaml(now))
              + "\nEvents: "
              + events,
          e);
    }
  }

  static NodePool awaitPool(String name, Predicate<NodePool> p) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> client.resources(NodePool.class).withName(name).get(),
            v -> v != null && v.getStatus() != null && !v.getStatus().hosts.isEmpty() && p.test(v));
  }

  static HostStatus hostStatus(NodePool pool, String name) {
    return pool.getStatus().hosts.stream()
        .filter(h -> h.name.equals(name))
        .findFirst()
        .orElseThrow();
  }

  static boolean hasCondition(VirtualMachine v, String type, String reason) {
    return v.getStatus().conditions.stream()
        .anyMatch(c -> type.equals(c.getType()) && reason.equals(c.getReason()));
  }

  static Condition condition(VirtualMachine v, String type) {
    return v.getStatus().conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  static List<String> eventReasons(String name) {
    return events(name).map(Event::getReason).toList();
  }

  static List<String> eventMessages(String name) {
    return events(name).map(Event::getMessage).toList();
  }

  private static Stream<Event> events(String name) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()));
  }

  static String console(int host, VirtualMachine vm) throws IOException {
    Path log = hosts.consoleLog(host, NS + "_" + vm.getMetadata().getName());
    return Files.exists(log) ? Files.readString(log) : "";
  }

  static void awaitConsole(int host, VirtualMachine vm, String marker) {
    await().atMost(BOOT).until(() -> console(host, vm).contains(marker));
  }
}
