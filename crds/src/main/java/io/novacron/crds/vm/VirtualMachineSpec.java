package io.novacron.crds.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import io.novacron.crds.common.Backend;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.maxVcpus) || self.maxVcpus >= self.vcpus",
    message = "maxVcpus must be at least vcpus")
@ValidationRule(
    value = "quantity(string(self.memory)).compareTo(quantity('64Mi')) >= 0",
    message = "memory must be at least 64Mi")
@ValidationRule(
    value =
        "!has(self.maxMemory) || quantity(string(self.maxMemory)).compareTo(quantity(string(self.memory)))"
            + " >= 0",
    message = "maxMemory must be at least memory")
public class VirtualMachineSpec {
  @Required
  @ValidationRule(value = "self == oldSelf", message = "nodePool is immutable")
  @JsonPropertyDescription("Name of the NodePool whose hosts may run this VM.")
  public String nodePool;

  @Default("Libvirt")
  @ValidationRule(value = "self == oldSelf", message = "backend is immutable")
  @JsonPropertyDescription("Virtualization backend: Libvirt (default) or KubeVirt.")
  public Backend backend = Backend.Libvirt;

  @Required
  @Min(1)
  @JsonPropertyDescription("Number of virtual CPUs the VM runs with.")
  public int vcpus = 1;

  @Min(1)
  @JsonPropertyDescription(
      "Most vCPUs the VM may be given without a restart; defaults to vcpus. vcpus can be raised"
          + " live up to this value.")
  public Integer maxVcpus;

  @Required
  @JsonPropertyDescription("Memory the VM runs with (a Kubernetes quantity, at least 64Mi).")
  public Quantity memory;

  @JsonPropertyDescription(
      "Most memory the VM may be given without a restart; defaults to memory. memory can be"
          + " changed live (balloon) up to this value.")
  public Quantity maxMemory;

  @Required
  @JsonPropertyDescription("What the VM boots from.")
  public BootSpec boot;

  @Size(max = 32)
  @JsonPropertyDescription("Disks attached to the VM, in order.")
  public List<DiskSpec> disks = new ArrayList<>();

  @Size(max = 32)
  @JsonPropertyDescription("Network interfaces, in order.")
  public List<NetworkSpec> networks = new ArrayList<>();

  @Default("Always")
  @JsonPropertyDescription("Power state policy: Always, Halted, Manual or RerunOnFailure.")
  public RunStrategy runStrategy = RunStrategy.Always;

  @Min(0)
  @JsonPropertyDescription(
      "Seconds a graceful shutdown may take before the VM is forced off; operator default when"
          + " unset.")
  public Integer shutdownGracePeriodSeconds;

  @JsonPropertyDescription("Where the VM may run.")
  public PlacementSpec placement;

  @JsonPropertyDescription("How the VM may be migrated.")
  public MigrationPreferences migration;
}
