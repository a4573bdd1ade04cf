package io.novacron.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.sandbox.LocalHosts;
import io.novacron.sandbox.Samples;
import io.novacron.sandbox.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sandbox as a user meets it: the real kubectl binary against it, samples applied. */
class SandboxIT {
  static Path repo;
  static Path work;
  static Sandbox sandbox;
  static Path kubectl;

  @BeforeAll
  static void start() {
    repo = LocalHosts.findRepo();
    kubectl = repo.resolve(".work/tools/kubectl");
    assertThat(kubectl).as("kubectl missing; run: e2e/hosts.sh install").isExecutable();
    work = repo.resolve("e2e/target/sandbox-work");
    sandbox = new Sandbox(repo, work, 0, 0);
    sandbox.start();
  }

  @AfterAll
  static void stop() {
    if (sandbox != null) {
      LocalHosts hosts = sandbox.hosts();
      sandbox.close();
      for (int k = 1; k <= Sandbox.HOSTS; k++) {
        assertThat(hosts.hostDir(k).resolve("run/libvirtd.pid"))
            .as("host%d stopped", k)
            .doesNotExist();
      }
    }
  }

  @Test
  void theSampleMigrationMovesARunningGuest() {
    String done =
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () -> kubectl("get", "nmig", "move-app-1").out(),
                out -> line(out, "move-app-1").contains("Succeeded"));
    assertThat(done.lines().findFirst().orElseThrow())
        .contains("VM", "PHASE", "TARGET", "PROGRESS", "DOWNTIME(MS)");
    assertThat(line(done, "move-app-1")).contains("app-1", "100");
    String yaml = kubectl("get", "nmig", "move-app-1", "-o", "yaml").out();
    assertThat(yaml).contains("downtimeMillis:", "bytesTransferred:", "sourceHost:");
    assertThat(kubectl("describe", "nvm", "app-1").out()).contains("Moved");

    // the guest goes on running on its new host: its console there (begun by the migration)
    // shows heartbeats and no kernel oops (QEMU here can corrupt a guest migrated mid-boot, so the
    // sandbox waits for the boot before it applies the Migration)
    String host =
        sandbox
            .api()
            .client()
            .resources(VirtualMachine.class)
            .inNamespace("default")
            .withName("app-1")
            .get()
            .getStatus()
            .host;
    Path console = sandbox.hosts().consoleLog(host, "default_app-1");
    String log =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> Files.exists(console) ? Files.readString(console) : "",
                text ->
                    text.lines().filter(l -> l.startsWith(LocalHosts.GUEST_HEARTBEAT)).count()
                        >= 3);
    assertThat(log).doesNotContain("BUG:", "Oops", "soft lockup", "corruption");
  }

  @Test
  void kubectlSeesThePoolAndEverySampleVmRunning() {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> kubectl("get", "npool").out(),
            out -> out.contains("local") && out.contains("2/2"));
    List<String> sampleVms =
        sandbox.samples().stream()
            .filter(r -> r instanceof VirtualMachine)
            .map(r -> r.getMetadata().getName())
            .toList();
    assertThat(sampleVms).isNotEmpty();
    String vms =
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () -> kubectl("get", "nvm").out(),
                out -> sampleVms.stream().allMatch(n -> line(out, n).contains("Running")));
    assertThat(vms.lines().findFirst().orElseThrow())
        .contains("NAME", "PHASE", "HOST", "VCPUS", "MEMORY", "AGE");

    String poolYaml = kubectl("get", "npool", "local", "-o", "yaml").out();
    assertThat(poolYaml).contains("hostsReady: 2/2", "healthScore:", "capacity:", "freeMemoryMiB:");

    Result describe = kubectl("describe", "nvm", "web-1");
    assertThat(describe.out()).contains("Phase:", "Running", "Scheduled", "Started");
    assertThat(kubectl("get", "events").out()).contains("Started", "web-1");
  }

  @Test
  void theHttpApiShowsRealUsageForTheSampleVmsAndTheHosts() {
    String api = sandbox.httpUrl();
    JsonNode history =
        await()
            .atMost(Duration.ofSeconds(120))
            .until(
                () ->
                    Api.get(
                        api + "/api/v1/namespaces/default/virtualmachines/web-1/history?step=10s"),
                h -> h != null && h.get("points").size() > 0);
    JsonNode point = history.get("points").get(0);
    assertThat(point.get("samples").asInt()).isPositive();
    assertThat(point.get("cpuPercentAvg").asDouble()).isBetween(0.0, 100.0);
    assertThat(Api.get(api + "/api/v1/nodepools/local/hosts/host1/history?step=10s").get("points"))
        .isNotEmpty();
    assertThat(Api.get(api + "/healthz").get("status").asText()).isEqualTo("ok");
    assertThat(Api.get(api + "/readyz").get("status").asText()).isEqualTo("ready");
    // status.usage is written at a bounded rate (at most once a minute unless usage jumps)
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> kubectl("get", "nvm", "web-1", "-o", "yaml").out(),
            out -> out.contains("usage:") && out.contains("cpuPercent:"));
    // and a forecast of every resource, from the last value until enough history trains a model
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> kubectl("get", "nvm", "web-1", "-o", "jsonpath={.status.forecast}").out(),
            out ->
                out.contains("\"predictor\"")
                    && out.contains("\"horizonSeconds\":300")
                    && out.contains("\"cpuPercent\":[")
                    && out.contains("\"networkBytesPerSecond\":[")
                    && out.contains("\"diskBytesPerSecond\":["));
  }

  @Test
  void kubectlAppliesAndDeletesAVm() throws IOException {
    Path file = work.resolve("extra-vm.yaml");
    Files.writeString(
        file,
        """
        apiVersion: novacron.io/v1alpha1
        kind: VirtualMachine
        metadata:
          name: extra
        spec:
          nodePool: local
          vcpus: 1
          memory: 96Mi
          boot:
            kernel: %s
            initrd: %s
            cmdline: console=ttyS0 quiet no_timer_check
        """
            .formatted(sandbox.hosts().guestKernel(), sandbox.hosts().guestInitrd()));
    assertThat(kubectl("apply", "--validate=false", "-f", file.toString()).out())
        .contains("virtualmachine.novacron.io/extra created");
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> kubectl("get", "nvm", "extra", "-o", "jsonpath={.status.phase}").out(),
            "Running"::equals);
    VirtualMachine extra =
        sandbox
            .api()
            .client()
            .resources(VirtualMachine.class)
            .inNamespace("default")
            .withName("extra")
            .get();
    String host = extra.getStatus().host;
    String uuid = extra.getMetadata().getUid();
    int hostNumber = Integer.parseInt(host.substring("host".length()));
    assertThat(Libvirt.running(sandbox.hosts().uri(hostNumber), uuid)).isTrue();

    assertThat(kubectl("delete", "nvm", "extra").out())
        .contains("virtualmachine.novacron.io \"extra\" deleted");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> kubectl("get", "nvm").out(), out -> !out.contains("extra"));
    assertThat(Libvirt.state(sandbox.hosts().uri(hostNumber), uuid)).isEmpty();
  }

  @Test
  void kubectlReportsABadVmClearly() throws IOException {
    Path file = work.resolve("bad-vm.yaml");
    Files.writeString(
        file,
        """
        apiVersion: novacron.io/v1alpha1
        kind: VirtualMachine
        metadata:
          name: no-kernel
        spec:
          nodePool: local
          vcpus: 1
          memory: 96Mi
          boot:
            kernel: %s/nonexistent/vmlinuz
        """
            .formatted(work.toAbsolutePath()));
    kubectl("apply", "--validate=false", "-f", file.toString());
    String message =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    kubectl(
                            "get",
                            "nvm",
                            "no-kernel",
                            "-o",
                            "jsonpath={.status.conditions[?(@.type==\"Ready\")].message}")
                        .out(),
                m -> !m.isBlank() && !m.startsWith("domain running"));
    assertThat(message).contains("could not start the domain").contains("/nonexistent/vmlinuz");
    assertThat(kubectl("get", "nvm", "no-kernel").out()).contains("Failed");
    assertThat(kubectl("get", "events").out()).contains("StartFailed");
    kubectl("delete", "nvm", "no-kernel");
    for (HasMetadata sample : sandbox.samples()) {
      if (sample instanceof VirtualMachine vm) {
        assertThat(kubectl("get", "nvm", vm.getMetadata().getName()).out())
            .as("other VMs keep running")
            .contains("Running");
      }
    }
  }

  @Test
  void kubectlIsDeniedByTheWebhooksWithTheirMessageAndGetsTheirDefaults() throws IOException {
    Path greedy = work.resolve("greedy-vm.yaml");
    Files.writeString(greedy, teamAVm("greedy", 3));
    Result denied = kubectl("apply", "--validate=false", "-f", greedy.toString());
    assertThat(denied.exitCode()).isNotZero();
    assertThat(denied.out())
        .contains(
            "admission webhook \"validate.novacron.io\" denied the request: denied by rule"
                + " max-vm-size: VirtualMachine greedy would have 3 vCPUs; namespace team-a allows"
                + " at most 2 per VM");
    assertThat(kubectl("get", "nvm", "-n", "team-a").out()).doesNotContain("greedy");

    Path small = work.resolve("small-vm.yaml");
    Files.writeString(small, teamAVm("small", 1));
    assertThat(kubectl("apply", "--validate=false", "-f", small.toString()).out())
        .contains("virtualmachine.novacron.io/small created");
    // the mutating webhook labelled it with its pool
    assertThat(
            kubectl("get", "nvm", "-n", "team-a", "small", "-o", "jsonpath={.metadata.labels}")
                .out())
        .contains("\"novacron.io/pool\":\"local\"");

    // named by the API server, as generateName asks, after the mutating webhook's defaults
    Path generated = work.resolve("generated-vm.yaml");
    Files.writeString(generated, teamAVm("gen", 1).replace("name: gen", "generateName: gen-"));
    Result created = kubectl("create", "--validate=false", "-f", generated.toString());
    assertThat(created.out())
        .matches("(?s)virtualmachine\\.novacron\\.io/gen-[a-z0-9]{5} created.*");
    String generatedName = created.out().split("[/ ]")[1];
    assertThat(
            kubectl(
                    "get",
                    "nvm",
                    "-n",
                    "team-a",
                    generatedName,
                    "-o",
                    "jsonpath={.metadata.labels}")
                .out())
        .contains("\"novacron.io/pool\":\"local\"");
    assertThat(kubectl("delete", "nvm", "-n", "team-a", generatedName).out()).contains("deleted");

    // a value of the wrong kind is named with its field by the validating webhook
    Path misspelt = work.resolve("misspelt-vm.yaml");
    Files.writeString(
        misspelt, teamAVm("misspelt", 1).replace("runStrategy: Halted", "runStrategy: Sometimes"));
    Result refused = kubectl("apply", "--validate=false", "-f", misspelt.toString());
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.out())
        .contains(
            "denied the request: denied by rule schema: request.object is not a valid"
                + " VirtualMachine: spec.runStrategy:");

    Result poolDelete = kubectl("delete", "npool", "local");
    assertThat(poolDelete.exitCode()).isNotZero();
    assertThat(poolDelete.out())
        .contains("denied by rule pool-in-use: NodePool local still has")
        .contains("team-a/small");
    assertThat(kubectl("get", "npool", "local").out()).contains("local");
    assertThat(kubectl("delete", "nvm", "-n", "team-a", "small").out()).contains("deleted");
  }

  /** A halted VM of namespace team-a (the sample policy allows it 2 vCPUs per VM). */
  private static String teamAVm(String name, int vcpus) {
    return """
        apiVersion: novacron.io/v1alpha1
        kind: VirtualMachine
        metadata:
          name: %s
          namespace: team-a
        spec:
          nodePool: local
          vcpus: %d
          memory: 96Mi
          runStrategy: Halted
          boot:
            kernel: %s/guest/vmlinuz
        """
        .formatted(name, vcpus, work.toAbsolutePath());
  }

  @Test
  void aDeletedSampleVmCanBeAppliedAgain() throws IOException {
    assertThat(kubectl("delete", "nvm", "web-2").out()).contains("deleted");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> kubectl("get", "nvm").out(), out -> !out.contains("web-2"));

    Path rendered = work.resolve("vm-web.yaml");
    Files.writeString(rendered, Samples.render(repo.resolve("samples/vm-web.yaml"), work));
    assertThat(kubectl("apply", "--validate=false", "-f", rendered.toString()).out())
        .contains("virtualmachine.novacron.io/web-2 created");
    // its anti-affinity group no longer holds the deleted VM's host
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> line(kubectl("get", "nvm").out(), "web-2"), l -> l.contains("Running"));
  }

  record Result(int exitCode, String out) {}

  static Result kubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(kubectl.toString());
    command.add("--kubeconfig");
    command.add(sandbox.kubeconfig().toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String line(String table, String name) {
    return table.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElse("");
  }
}
