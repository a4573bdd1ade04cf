package io.novacron.crds.nodepool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class OvercommitSpec {
  @Default("4.0")
  @Min(0.1)
  @Max(64)
  @JsonPropertyDescription("vCPUs that may be allocated per host CPU.")
  public double cpu = 4.0;

  @Default("1.0")
  @Min(0.1)
  @Max(4)
  @JsonPropertyDescription("Guest memory that may be allocated per byte of host memory.")
  public double memory = 1.0;
}
