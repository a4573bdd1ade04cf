package io.novacron.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.novacron.crds.vm.BootSpec;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineSpec;
import io.novacron.policy.InformerClusterView;
import io.novacron.sandbox.MockKubernetes;
import io.novacron.webhooks.AdmissionReviews;
import io.novacron.webhooks.AdmissionServer;
import io.novacron.webhooks.SelfSignedCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Admission reviews per second and their latency over HTTPS on loopback: the real server with a
 * quota policy whose namespace holds {@code VMS} VMs in its informer cache, loaded by wrk (a second
 * process) with AdmissionReview bodies; {@code /healthz} over the same TLS is the baseline (the
 * server's floor). Args: [seconds per scenario, default 10] [connections, default 16].
 */
public final class AdmissionBenchmark {
  private static final int VMS = 500;
  private static final String POLICY =
      """
      namespaces:
      - names: [tenant]
        allowedNodePools: [pool]
        maxVcpusPerVm: 8
        maxMemoryPerVm: 16Gi
        quota: {vcpus: 100000, memory: 100Ti, vms: 100000}
        allowedBootPathPrefixes: [/images/]
      """;

  private AdmissionBenchmark() {}

  public static void main(String[] args) throws Exception {
    Duration phase = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 10);
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    Path dir = Files.createTempDirectory("novacron-admission-bench");
    Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
    var certs = SelfSignedCertificates.issue(dir, List.of("127.0.0.1"));
    try (MockKubernetes api = MockKubernetes.start(0)) {
      KubernetesClient client = api.client();
      for (int i = 0; i < VMS; i++) {
        client.resource(vm("vm-" + i, 2)).create();
      }
      try (InformerClusterView cluster = new InformerClusterView(client);
          AdmissionServer server =
              new AdmissionServer(certs.cert(), certs.key(), policy, cluster)) {
        while (cluster.virtualMachines("tenant").size() < VMS) {
          Thread.sleep(100);
        }
        int port = server.start("127.0.0.1", 0);
        String base = "https://127.0.0.1:" + port;
        System.out.printf(
            "Admission webhooks over TLS on loopback, wrk with %d connections (2 threads, a second"
                + " process), %d s per scenario, %d VMs of the namespace in the quota count:%n",
            connections, phase.toSeconds(), VMS);
        run(base + "/healthz", null, dir, connections, phase, "healthz (baseline: no work)");
        run(
            base + "/validate",
            review(vm("new-vm", 4)),
            dir,
            connections,
            phase,
            "validate VM create (allowed)");
        run(
            base + "/validate",
            review(vm("big-vm", 12)),
            dir,
            connections,
            phase,
            "validate VM create (denied)");
        run(
            base + "/mutate",
            review(vm("new-vm", 4)),
            dir,
            connections,
            phase,
            "mutate VM create (defaults)");
      }
    }
  }

  private static void run(
      String url, String body, Path dir, int connections, Duration phase, String label)
      throws Exception {
    String script = "bench/wrk-percentiles.lua";
    Map<String, String> env = Map.of();
    if (body != null) {
      Path file = Files.writeString(dir.resolve("review.json"), body);
      script = "bench/wrk-post.lua";
      env = Map.of("WRK_BODY", file.toString());
    }
    Wrk.run(url, connections, Duration.ofSeconds(2), script, env); // warm-up
    System.out.println(Wrk.run(url, connections, phase, script, env).line(label));
  }

  private static VirtualMachine vm(String name, int vcpus) {
    VirtualMachine vm = new VirtualMachine();
    vm.getMetadata().setName(name);
    vm.getMetadata().setNamespace("tenant");
    vm.setSpec(new VirtualMachineSpec());
    vm.getSpec().nodePool = "pool";
    vm.getSpec().vcpus = vcpus;
    vm.getSpec().memory = new Quantity("2Gi");
    vm.getSpec().boot = new BootSpec();
    vm.getSpec().boot.kernel = "/images/vmlinuz";
    return vm;
  }

  /** A CREATE AdmissionReview as the API server sends it. */
  private static String review(VirtualMachine vm) {
    ObjectMapper json = new ObjectMapper();
    return AdmissionReviews.request(
            "705ab4f5-6393-11e8-b7cc-42010a800002",
            "CREATE",
            "tenant",
            "VirtualMachine",
            json.valueToTree(vm),
            null)
        .toString();
  }
}
