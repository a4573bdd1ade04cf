package io.novacron.crds.nodepool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.novacron.crds.common.Backend;
import io.novacron.crds.common.MigrationTuning;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.backend != 'Libvirt' || size(self.hosts) > 0",
    message = "a Libvirt pool needs at least one host")
@ValidationRule(
    value = "self.hosts.all(h, self.hosts.exists_one(o, o.name == h.name))",
    message = "host names must be unique")
public class NodePoolSpec {
  @Default("Libvirt")
  @ValidationRule(value = "self == oldSelf", message = "backend is immutable")
  @JsonPropertyDescription(
      "Libvirt (hosts listed here) or KubeVirt (nodes chosen by nodeSelector).")
  public Backend backend = Backend.Libvirt;

  @Size(max = 256)
  @JsonPropertyDescription("The pool's KVM hosts (Libvirt backend).")
  public List<HostSpec> hosts = new ArrayList<>();

  @JsonPropertyDescription("Kubernetes nodes of the pool (KubeVirt backend).")
  public Map<String, String> nodeSelector = new LinkedHashMap<>();

  public OvercommitSpec overcommit = new OvercommitSpec();

  /** Where the VMs' disk files live, as far as migration is concerned. */
  public enum Storage {
    /** Every host sees a VM's disk files at the same path (NFS, Ceph, a SAN): nothing to copy. */
    Shared,
    /** Each host has its own disk files: a live migration copies the VM's writable disks. */
    Local
  }

  @JsonPropertyDescription(
      "Defaults for the pool's live migrations, used when neither the Migration nor the VM's"
          + " migration preferences set them.")
  public MigrationTuning migrationDefaults;

  @Default("Shared")
  @JsonPropertyDescription(
      "Shared: all hosts see the VMs' disk files at the same paths. Local: each host has its own;"
          + " live migrations copy writable disks to the target (created there first), and cold"
          + " migrations of VMs with disks are refused.")
  public Storage storage = Storage.Shared;

  public RebalancingSpec rebalancing = new RebalancingSpec();
}
