package io.novacron.operator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.novacron.crds.vm.VirtualMachineSpec;
import io.novacron.policy.TestVms;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestartFingerprintTest {
  @Test
  void liveChangeableFieldsDoNotNeedRestart() {
    VirtualMachineSpec spec = TestVms.vm("ns", "a", "p").getSpec();
    spec.maxVcpus = 4;
    spec.maxMemory = new Quantity("1Gi");
    Map<String, String> running = RestartFingerprint.of(spec);

    spec.vcpus = 3;
    spec.memory = new Quantity("512Mi");

    assertThat(RestartFingerprint.changed(running, RestartFingerprint.of(spec))).isEmpty();
  }

  @Test
  void bootAndLimitChangesNeedRestart() {
    VirtualMachineSpec spec = TestVms.vm("ns", "a", "p").getSpec();
    Map<String, String> running = RestartFingerprint.of(spec);

    spec.boot.cmdline = "console=ttyS0 debug";
    spec.vcpus = 2; // above the running maximum of 1

    assertThat(RestartFingerprint.changed(running, RestartFingerprint.of(spec)))
        .containsExactly("boot", "maxVcpus");
  }

  @Test
  void nothingRunningMeansNothingChanged() {
    VirtualMachineSpec spec = TestVms.vm("ns", "a", "p").getSpec();
    assertThat(RestartFingerprint.changed(Map.of(), RestartFingerprint.of(spec))).isEmpty();
  }
}
