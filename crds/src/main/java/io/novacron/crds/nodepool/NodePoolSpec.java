package io.novacron.crds.nodepool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.novacron.crds.common.Backend;
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

  public RebalancingSpec rebalancing = new RebalancingSpec();
}
