package io.novacron.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus.Phase;
import io.novacron.operator.NovaCronOperator;
import io.novacron.operator.config.OperatorConfig;
import io.novacron.operator.store.Database;
import io.novacron.policy.InformerClusterView;
import io.novacron.webhooks.AdmissionServer;
import io.novacron.webhooks.SelfSignedCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local sandbox: local QEMU hosts, a mock Kubernetes API that kubectl can talk to, the
 * operator, and the samples applied. Closing it deletes the sandbox's VMs (so the operator removes
 * their domains), stops the operator and the API, and stops the hosts.
 */
public final class Sandbox implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Sandbox.class);
  private static final Duration GUEST_BOOT_TIMEOUT = Duration.ofMinutes(3);
  public static final int HOSTS = 2;

  private final Path repo;
  private final Path work;
  private final int port;
  private final int httpPort;
  private LocalHosts hosts;
  private MockKubernetes api;
  private NovaCronOperator operator;
  private InformerClusterView webhookCache;
  private AdmissionServer webhooks;
  private Path kubeconfig;
  private List<HasMetadata> samples;

  /** {@code port} is the mock Kubernetes API's, {@code httpPort} the operator's HTTP API's. */
  public Sandbox(Path repo, Path work, int port, int httpPort) {
    this.repo = repo;
    this.work = work;
    this.port = port;
    this.httpPort = httpPort;
  }

  /**
   * Starts the parts one by one; if one fails, {@link #close()} still stops those already started.
   */
  public synchronized Sandbox start() {
    hosts = new LocalHosts(repo, work).startClean(HOSTS);
    api = MockKubernetes.start(port);
    kubeconfig = api.writeKubeconfig(work.resolve("sandbox/kubeconfig"));
    Path policy = startWebhooks();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putIfAbsent("NOVACRON_POLICY_FILE", policy.toString());
    env.putIfAbsent("NOVACRON_DOMAIN_TYPE", "qemu"); // stock guests hang under KVM here
    env.putIfAbsent("NOVACRON_POOL_POLL_INTERVAL", "5s");
    env.putIfAbsent("NOVACRON_VM_POLL_INTERVAL", "5s");
    env.putIfAbsent("NOVACRON_START_RETRY_INTERVAL", "10s");
    env.putIfAbsent("NOVACRON_FORECAST_INTERVAL", "15s"); // forecasts show up soon in a demo
    // the operator's 6 h would train its first model from the sandbox's own history hours in;
    // every 10 minutes, one is trained soon after the history holds enough (~1.5 h)
    env.putIfAbsent("NOVACRON_FORECAST_RETRAIN_INTERVAL", "10m");
    env.putIfAbsent("NOVACRON_DATA_DIR", work.resolve("sandbox/data").toString());
    env.put("NOVACRON_HTTP_HOST", "127.0.0.1");
    env.put("NOVACRON_HTTP_PORT", String.valueOf(httpPort));
    operator = NovaCronOperator.start(api.client(), OperatorConfig.from(env));
    samples = Samples.apply(api.client(), repo, work, this::awaitGuestBooted);
    return this;
  }

  /**
   * Waits until the Migration's VM runs and its guest has booted. QEMU 7.2 without KVM (as here)
   * can corrupt a guest migrated in its first seconds of boot: seen with plain {@code virsh
   * migrate} too, 1 of 12, and for the sample Migration when it was applied with its VM.
   */
  private void awaitGuestBooted(Migration m) {
    String namespace = m.getMetadata().getNamespace();
    String name = m.getSpec().vmName;
    Instant deadline = Instant.now().plus(GUEST_BOOT_TIMEOUT);
    log.info(
        "Waiting for {}'s guest to boot before Migration {} moves it",
        name,
        m.getMetadata().getName());
    while (Instant.now().isBefore(deadline)) {
      VirtualMachine vm =
          api.client().resources(VirtualMachine.class).inNamespace(namespace).withName(name).get();
      // Running: its domain has started, so the console log is this boot's, not an older run's
      boolean running =
          vm != null && vm.getStatus() != null && vm.getStatus().phase == Phase.Running;
      String host = running ? vm.getStatus().host : null;
      if (host != null && guestBooted(host, namespace + "_" + name)) {
        return;
      }
      if (!pause(Duration.ofSeconds(1))) {
        return;
      }
    }
    log.warn(
        "{}'s guest did not boot within {}; applying Migration {} anyway",
        name,
        GUEST_BOOT_TIMEOUT,
        m.getMetadata().getName());
  }

  private boolean guestBooted(String host, String domain) {
    try {
      Path console = hosts.consoleLog(host, domain);
      return Files.exists(console) && Files.readString(console).contains(LocalHosts.GUEST_BOOTED);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Starts the admission webhooks with a self-signed certificate and the sample policy, and has the
   * mock API call them as a real API server would.
   *
   * @return the policy file, for the operator to apply too
   */
  private Path startWebhooks() {
    Path dir = work.resolve("sandbox/webhooks");
    try {
      Path policy = dir.resolve("policy.yaml");
      Files.createDirectories(dir);
      Files.writeString(
          policy,
          Files.readString(repo.resolve("webhooks/sample-policy.yaml"))
              .replace("${NOVACRON_WORK}", work.toAbsolutePath().toString()));
      var certs = SelfSignedCertificates.issue(dir, List.of("127.0.0.1", "localhost"));
      webhookCache = new InformerClusterView(api.client());
      webhooks = new AdmissionServer(certs.cert(), certs.key(), policy, webhookCache);
      int webhookPort = webhooks.start("127.0.0.1", 0);
      api.admitThrough(URI.create("https://127.0.0.1:" + webhookPort), certs.caPem());
      return policy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the webhooks in " + dir, e);
    }
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public LocalHosts hosts() {
    return hosts;
  }

  /** The operator's HTTP API, e.g. {@code http://127.0.0.1:18081}. */
  public String httpUrl() {
    return "http://127.0.0.1:" + operator.httpPort();
  }

  public MockKubernetes api() {
    return api;
  }

  public List<HasMetadata> samples() {
    return samples;
  }

  @Override
  public synchronized void close() {
    try {
      if (api != null && operator != null) {
        deleteVirtualMachines();
      }
    } finally {
      if (operator != null) {
        operator.close();
      }
      if (webhooks != null) {
        webhooks.close();
      }
      if (webhookCache != null) {
        webhookCache.close();
      }
      if (api != null) {
        api.close();
      }
      if (hosts != null) {
        hosts.close();
      }
      operator = null;
      webhooks = null;
      webhookCache = null;
      api = null;
      hosts = null;
    }
  }

  /** Sleeps; false when interrupted (the interrupt is kept for the caller's caller). */
  private static boolean pause(Duration time) {
    try {
      Thread.sleep(time.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Deletes every VM and waits (bounded) for the operator to remove their domains: for less than a
   * Ctrl-C's exit gives the operator to close its database itself (a host that does not answer must
   * not cost the samples still queued; hosts.sh stop destroys what is left).
   */
  private void deleteVirtualMachines() {
    var vms = api.client().resources(VirtualMachine.class).inAnyNamespace();
    vms.delete();
    Instant deadline = Instant.now().plus(Database.CLOSE_AT_EXIT_WAIT.dividedBy(2));
    while (!vms.list().getItems().isEmpty() && Instant.now().isBefore(deadline)) {
      if (!pause(Duration.ofMillis(250))) {
        return;
      }
    }
    if (!vms.list().getItems().isEmpty()) {
      log.warn("Some VMs were not cleaned up in time; hosts.sh stop destroys their domains");
    }
  }

  public static void main(String[] args) throws InterruptedException {
    Path repo = LocalHosts.findRepo();
    Path work =
        Path.of(System.getenv().getOrDefault("NOVACRON_WORK", repo.resolve(".work").toString()));
    int port = Integer.parseInt(System.getenv().getOrDefault("NOVACRON_SANDBOX_PORT", "18080"));
    int httpPort = Integer.parseInt(System.getenv().getOrDefault("NOVACRON_HTTP_PORT", "18081"));
    Sandbox sandbox = new Sandbox(repo, work, port, httpPort);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("\nStopping the sandbox: deleting VMs, stopping hosts...");
                  sandbox.close();
                  stopped.countDown();
                },
                "sandbox-shutdown"));
    try {
      sandbox.start();
    } catch (RuntimeException e) {
      log.error("The sandbox could not start: {}", e.getMessage(), e);
      System.exit(1);
    }
    String kubectl = repo.resolve(".work/tools/kubectl").toString();
    String kc = "export KUBECONFIG=" + sandbox.kubeconfig();
    System.out.printf(
        """

        NovaCron sandbox is running: API %s, %d local QEMU hosts, samples applied.

          %s
          alias kubectl=%s

          kubectl get npool                     # pools: hosts ready, VMs
          kubectl get nvm -o wide               # VMs: phase, host, vCPUs, memory
          kubectl get npool local -o yaml       # per-host capacity, health, unmanaged domains
          kubectl describe nvm web-1            # conditions
          kubectl get events                    # what the operator did
          kubectl delete nvm web-2              # the domain is stopped and undefined
          sed "s#\\${NOVACRON_WORK}#%s#g" samples/vm-web.yaml | kubectl apply --validate=false -f -

        Metric history and health (HTTP API %s):
          curl -s %s/api/v1/summary?window=15m
          curl -s '%s/api/v1/namespaces/default/virtualmachines/web-1/history?step=30s'
          curl -s %s/api/v1/nodepools/local/hosts/host1/history
          curl -s %s/healthz; curl -s %s/metrics | grep novacron_

        Guest consoles: %s/hosts/host*/log/qemu/*-console.log
        Ctrl-C stops everything.
        """,
        sandbox.api().url(),
        HOSTS,
        kc,
        kubectl,
        work,
        sandbox.httpUrl(),
        sandbox.httpUrl(),
        sandbox.httpUrl(),
        sandbox.httpUrl(),
        sandbox.httpUrl(),
        sandbox.httpUrl(),
        work);
    stopped.await();
  }
}
