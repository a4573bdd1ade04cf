package io.novacron.crds.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.LinkedHashMap;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlacementSpec {
  @JsonPropertyDescription("Only hosts carrying all these labels are candidates.")
  public Map<String, String> hostSelector = new LinkedHashMap<>();

  @JsonPropertyDescription("VMs of the same pool and group never share a host.")
  public String antiAffinityGroup;

  @JsonPropertyDescription("Run only on this host of the pool.")
  public String pinnedHost;
}
