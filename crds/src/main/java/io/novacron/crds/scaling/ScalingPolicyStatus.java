package io.novacron.crds.scaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingPolicyStatus {
  public Integer currentReplicas;
  public Integer desiredReplicas;
  public List<MetricValue> currentMetrics = new ArrayList<>();
  public List<MetricValue> forecastMetrics = new ArrayList<>();
  public String lastScaleTime;
  public Long observedGeneration;
  public List<Condition> conditions = new ArrayList<>();

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class MetricValue {
    public String type;
    public Double averageUtilization;
  }
}
