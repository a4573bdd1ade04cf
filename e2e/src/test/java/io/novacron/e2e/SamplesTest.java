package io.novacron.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.policy.AdmissionRequest;
import io.novacron.policy.AdmissionRequest.Operation;
import io.novacron.policy.AdmissionRules;
import io.novacron.policy.ClusterView;
import io.novacron.policy.MigrationValidator;
import io.novacron.policy.NodePoolValidator;
import io.novacron.policy.PolicyFile;
import io.novacron.policy.TenancyPolicy;
import io.novacron.policy.Verdict;
import io.novacron.policy.VirtualMachineValidator;
import io.novacron.sandbox.LocalHosts;
import io.novacron.sandbox.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every file in samples/ parses into NovaCron's model and passes its validation. */
class SamplesTest {
  @Test
  void everySampleParsesIntoTheModelAndIsValid() {
    Path repo = LocalHosts.findRepo();
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build())
            .build()) {
      List<HasMetadata> resources = Samples.load(client, repo, Path.of("/srv/novacron"));
      assertThat(Samples.files(repo)).isNotEmpty();
      assertThat(resources).hasSizeGreaterThanOrEqualTo(Samples.files(repo).size());
      for (HasMetadata r : resources) {
        assertThat(r).isInstanceOfAny(VirtualMachine.class, NodePool.class, Migration.class);
        if (r instanceof VirtualMachine vm) {
          assertThat(VirtualMachineValidator.problems(vm.getSpec()))
              .as(vm.getMetadata().getName())
              .isEmpty();
          assertThat(vm.getSpec().boot.kernel).startsWith("/srv/novacron/guest/");
        }
        if (r instanceof Migration m) {
          assertThat(MigrationValidator.problems(m.getSpec())).isEmpty();
          assertThat(resources)
              .as("the VM " + m.getMetadata().getName() + " moves is a sample too")
              .anyMatch(
                  vm ->
                      vm instanceof VirtualMachine
                          && vm.getMetadata().getName().equals(m.getSpec().vmName));
        }
        if (r instanceof NodePool pool) {
          assertThat(NodePoolValidator.poolProblems(pool.getSpec())).isEmpty();
          pool.getSpec().hosts.forEach(h -> assertThat(NodePoolValidator.hostProblem(h)).isNull());
        }
      }
    }
  }

  /** The sandbox applies the samples through the webhooks: its sample policy admits them all. */
  @Test
  void theSamplePolicyAdmitsEverySample() throws Exception {
    Path repo = LocalHosts.findRepo();
    Path work = Path.of("/srv/novacron");
    TenancyPolicy policy =
        PolicyFile.parse(
            Files.readString(repo.resolve("webhooks/sample-policy.yaml"))
                .replace("${NOVACRON_WORK}", work.toString()));
    assertThat(policy.namespaces).isNotEmpty();
    List<VirtualMachine> admitted = new ArrayList<>();
    ClusterView cluster =
        new ClusterView() {
          @Override
          public List<VirtualMachine> virtualMachines(String namespace) {
            return admitted;
          }

          @Override
          public List<VirtualMachine> virtualMachinesInPool(String nodePool) {
            return admitted;
          }

          @Override
          public Map<String, String> namespaceLabels(String namespace) {
            return Map.of();
          }
        };
    AdmissionRules rules = new AdmissionRules(() -> policy);
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build())
            .build()) {
      for (HasMetadata r : Samples.load(client, repo, work)) {
        Verdict v =
            rules.review(new AdmissionRequest(Operation.CREATE, "default", r, null), cluster);
        assertThat(v.allowed()).as(r.getMetadata().getName() + ": " + v.describe()).isTrue();
        if (r instanceof VirtualMachine vm) {
          vm.getMetadata().setNamespace("default");
          admitted.add(vm);
        }
      }
    }
  }
}
