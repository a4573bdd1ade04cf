package io.novacron.crds.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.type == 'User' || has(self.source)",
    message = "source is required for Network and Bridge interfaces")
public class NetworkSpec {
  public enum Type {
    Network,
    Bridge,
    User
  }

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  public String name;

  @Default("Network")
  @JsonPropertyDescription("Network (a libvirt network), Bridge (a host bridge) or User (NAT).")
  public Type type = Type.Network;

  @JsonPropertyDescription("libvirt network name or host bridge name.")
  public String source;

  @Default("virtio")
  public String model = "virtio";

  @Pattern("^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$")
  public String macAddress;
}
