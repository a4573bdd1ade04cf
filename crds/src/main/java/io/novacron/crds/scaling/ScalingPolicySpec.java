package io.novacron.crds.scaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.novacron.crds.vm.VirtualMachineSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.minReplicas <= self.maxReplicas",
    message = "minReplicas must not exceed maxReplicas")
public class ScalingPolicySpec {
  @Required public Template template;

  @Default("1")
  @Min(0)
  public int minReplicas = 1;

  @Required
  @Min(1)
  public int maxReplicas = 1;

  @JsonPropertyDescription("Utilization targets; replicas are added or removed to meet them.")
  public List<MetricTarget> metrics = new ArrayList<>();

  public Behavior behavior = new Behavior();

  public Predictive predictive = new Predictive();

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Template {
    @JsonPropertyDescription("Labels put on every VirtualMachine of the policy.")
    public Map<String, String> labels = new LinkedHashMap<>();

    @Required public VirtualMachineSpec spec;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class MetricTarget {
    public enum Type {
      Cpu,
      Memory
    }

    @Required public Type type;

    @Required
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Average utilization across replicas to aim for, in percent.")
    public int targetAverageUtilization;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Behavior {
    public Rules scaleUp;
    public Rules scaleDown;
  }

  /** Same meaning as the HorizontalPodAutoscaler's scaling rules. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Rules {
    public enum SelectPolicy {
      Max,
      Min,
      Disabled
    }

    @Min(0)
    @Max(3600)
    public Integer stabilizationWindowSeconds;

    @Default("Max")
    public SelectPolicy selectPolicy = SelectPolicy.Max;

    public List<RatePolicy> policies = new ArrayList<>();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RatePolicy {
    public enum Type {
      Replicas,
      Percent
    }

    @Required public Type type;

    @Required
    @Min(1)
    public int value;

    @Required
    @Min(1)
    @Max(1800)
    public int periodSeconds;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Predictive {
    public enum Mode {
      /** Scale on measured load only. */
      Off,
      /** Report the forecast-driven replica count without acting on it. */
      ForecastOnly,
      /** Scale ahead of the forecast. */
      ForecastAndScale
    }

    @Default("Off")
    public Mode mode = Mode.Off;

    @Min(60)
    @JsonPropertyDescription("How far ahead the forecast looks, in seconds.")
    public Long horizonSeconds;
  }
}
