package io.novacron.crds.nodepool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.novacron.crds.common.ObjectReference;
import java.util.LinkedHashMap;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostSpec {
  /** What a host's name may be; the operator's HTTP API checks host names in paths against it. */
  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  @Required
  @Pattern(NAME_PATTERN)
  @JsonPropertyDescription("Name of the host, unique in the pool.")
  public String name;

  @Required
  @Pattern("^(qemu|test)(\\+(ssh|tls|tcp|unix|libssh|libssh2))?://.*$")
  @JsonPropertyDescription(
      "libvirt URI, e.g. qemu+ssh://root@kvm1/system, qemu+tls://kvm1/system or"
          + " qemu+unix:///system?socket=/run/libvirt/libvirt-sock.")
  public String uri;

  @JsonPropertyDescription("Labels matched by VirtualMachine placement.hostSelector.")
  public Map<String, String> labels = new LinkedHashMap<>();

  @JsonPropertyDescription("A host in maintenance takes no new VMs.")
  public boolean maintenance;

  @JsonPropertyDescription(
      "Secret with 'username' and 'password' keys for libvirt SASL authentication.")
  public ObjectReference credentialsSecretRef;
}
