package io.novacron.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.novacron.crds.vm.BootSpec;
import io.novacron.crds.vm.DiskSpec;
import io.novacron.crds.vm.NetworkSpec;
import io.novacron.crds.vm.VirtualMachineSpec;
import org.junit.jupiter.api.Test;

class VirtualMachineValidatorTest {
  private static VirtualMachineSpec valid() {
    return TestVms.vm("ns", "v", "pool").getSpec();
  }

  @Test
  void acceptsAValidSpec() {
    assertThat(VirtualMachineValidator.problems(valid())).isEmpty();
  }

  @Test
  void reportsEachProblemReadably() {
    VirtualMachineSpec spec = valid();
    spec.nodePool = "";
    spec.vcpus = 0;
    spec.memory = new Quantity("32Mi");
    assertThat(VirtualMachineValidator.problems(spec))
        .containsExactly(
            "spec.nodePool is required",
            "spec.vcpus must be at least 1",
            "spec.memory must be at least 64Mi, got 32Mi");
  }

  @Test
  void rejectsMalformedQuantitiesAndBadLimits() {
    VirtualMachineSpec spec = valid();
    spec.memory = new Quantity("lots");
    assertThat(VirtualMachineValidator.problems(spec))
        .containsExactly("spec.memory: 'lots' is not a valid quantity (e.g. 512Mi, 2Gi)");

    spec = valid();
    spec.maxMemory = new Quantity("64Mi");
    spec.maxVcpus = 0;
    assertThat(VirtualMachineValidator.problems(spec))
        .containsExactly(
            "spec.maxVcpus must be at least spec.vcpus",
            "spec.maxMemory must be at least spec.memory");
  }

  @Test
  void bootNeedsExactlyOneSourceAndAKnownDisk() {
    VirtualMachineSpec spec = valid();
    spec.boot.disk = "root";
    assertThat(VirtualMachineValidator.problems(spec))
        .contains("spec.boot needs exactly one of kernel or disk");

    spec = valid();
    spec.boot = new BootSpec();
    spec.boot.disk = "nope";
    DiskSpec d = new DiskSpec();
    d.name = "root";
    d.path = "/img/root.qcow2";
    spec.disks.add(d);
    assertThat(VirtualMachineValidator.problems(spec))
        .containsExactly("spec.boot.disk 'nope' is not one of spec.disks");

    spec.boot = null;
    assertThat(VirtualMachineValidator.problems(spec)).containsExactly("spec.boot is required");
  }

  @Test
  void duplicateNamesAndMissingSourcesAreReported() {
    VirtualMachineSpec spec = valid();
    for (int i = 0; i < 2; i++) {
      DiskSpec d = new DiskSpec();
      d.name = "data";
      d.path = "/img/d" + i;
      spec.disks.add(d);
    }
    NetworkSpec n = new NetworkSpec();
    n.name = "lan";
    n.type = NetworkSpec.Type.Bridge;
    spec.networks.add(n);
    assertThat(VirtualMachineValidator.problems(spec))
        .containsExactly(
            "disk names must be present and unique: data",
            "network lan: source is required for type Bridge");
  }

  @Test
  void unsetEnumFieldsAreProblemsNotTheirDefaults() {
    VirtualMachineSpec spec = valid();
    spec.backend = null; // as an operator reads a backend of a newer CRD: never started on libvirt
    spec.runStrategy = null;
    DiskSpec d = new DiskSpec();
    d.name = "data";
    d.path = "/img/d";
    d.format = null;
    d.bus = null;
    spec.disks.add(d);
    NetworkSpec n = new NetworkSpec();
    n.name = "lan";
    n.type = null;
    spec.networks.add(n);
    assertThat(VirtualMachineValidator.problems(spec))
        .containsExactly(
            "spec.backend must be one of Libvirt, KubeVirt",
            "spec.runStrategy must be one of Always, Halted, Manual, RerunOnFailure",
            "disk data: format must be one of raw, qcow2",
            "disk data: bus must be one of virtio, sata, scsi",
            "network lan: type must be one of Network, Bridge, User");
  }

  @Test
  void missingSpecIsAProblemNotACrash() {
    assertThat(VirtualMachineValidator.problems(null)).containsExactly("spec is missing");
  }
}
