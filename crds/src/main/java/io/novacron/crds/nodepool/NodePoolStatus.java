package io.novacron.crds.nodepool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodePoolStatus {
  public Long observedGeneration;
  public List<Condition> conditions = new ArrayList<>();
  public List<HostStatus> hosts = new ArrayList<>();

  @JsonPropertyDescription("Ready hosts over all hosts, e.g. 2/3.")
  public String hostsReady;

  public Integer readyHosts;
  public Integer totalHosts;

  @JsonPropertyDescription("VirtualMachines placed in the pool.")
  public Integer vmCount;

  @JsonPropertyDescription(
      "Spread of the hosts' forecast CPU utilisation (standard deviation of the fractions over the"
          + " ready hosts not in maintenance), 0 when even: the imbalance rebalancing lowers.")
  public Double imbalance;

  public List<MoveRecommendation> recommendations = new ArrayList<>();

  @JsonPropertyDescription(
      "When the ready hosts' CPU or memory runs out if usage keeps its forecast trend (RFC 3339);"
          + " absent when it does not within a day.")
  public String capacityExhaustedAt;

  @JsonPropertyDescription("Which runs out first at capacityExhaustedAt: cpu or memory.")
  public String capacityExhaustedResource;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class MoveRecommendation {
    public String vm;
    public String fromHost;
    public String toHost;
    public String reason;
    public Double expectedGain;
  }
}
