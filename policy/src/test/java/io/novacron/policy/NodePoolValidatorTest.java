package io.novacron.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.crds.nodepool.NodePool;
import org.junit.jupiter.api.Test;

class NodePoolValidatorTest {
  @Test
  void reportsPoolLevelProblems() {
    NodePool pool = TestVms.pool("p", "h1", "qemu:///system", "h1", "qemu:///system");
    pool.getSpec().rebalancing.threshold = 9;
    assertThat(NodePoolValidator.poolProblems(pool.getSpec()))
        .containsExactly(
            "host name h1 is used twice", "rebalancing.threshold must be between 1 and 5");
    assertThat(NodePoolValidator.poolProblems(TestVms.pool("empty").getSpec()))
        .containsExactly("a Libvirt pool needs at least one host");
  }

  @Test
  void unsetEnumFieldsAreProblemsNotTheirDefaults() {
    NodePool pool = TestVms.pool("p", "h1", "test:///default");
    pool.getSpec().backend = null;
    pool.getSpec().storage = null;
    pool.getSpec().rebalancing.automation = null;
    assertThat(NodePoolValidator.poolProblems(pool.getSpec()))
        .containsExactly(
            "spec.backend must be one of Libvirt, KubeVirt",
            "spec.storage must be one of Shared, Local",
            "spec.rebalancing.automation must be one of Manual, Partial, Full");
  }

  @Test
  void aRebalancingIntervalThatIsNoDurationIsReported() {
    var pool = TestVms.pool("p", "h1", "test:///default");
    pool.getSpec().rebalancing.interval = "soon";
    assertThat(NodePoolValidator.poolProblems(pool.getSpec()))
        .containsExactly(
            "rebalancing.interval must be a duration like 30s, 5m or 1h, not \"soon\"");
    pool.getSpec().rebalancing.interval = "0s";
    assertThat(NodePoolValidator.poolProblems(pool.getSpec())).hasSize(1);
    pool.getSpec().rebalancing.interval = "90s";
    assertThat(NodePoolValidator.poolProblems(pool.getSpec())).isEmpty();
  }

  @Test
  void kubeVirtPoolsAreReportedAsNotSupportedYet() {
    NodePool pool = TestVms.pool("kv");
    pool.getSpec().backend = io.novacron.crds.common.Backend.KubeVirt;
    assertThat(NodePoolValidator.poolProblems(pool.getSpec()))
        .containsExactly("the KubeVirt backend is not implemented yet; use backend Libvirt");
  }

  @Test
  void badHostEntriesAreReportedPerHost() {
    NodePool pool = TestVms.pool("p", "good", "qemu:///system", "bad", "https://kvm/system");
    assertThat(NodePoolValidator.hostProblem(pool.getSpec().hosts.get(0))).isNull();
    assertThat(NodePoolValidator.hostProblem(pool.getSpec().hosts.get(1)))
        .contains("is not a libvirt QEMU URI");
  }
}
