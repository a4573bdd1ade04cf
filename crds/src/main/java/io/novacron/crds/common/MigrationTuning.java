package io.novacron.crds.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/** Limits a live migration runs with: set on a VM's preferences or as a pool's defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MigrationTuning {
  @Min(1)
  @JsonPropertyDescription("Longest pause a live migration may cause, in milliseconds.")
  public Long maxDowntimeMillis;

  @Min(1)
  @JsonPropertyDescription("Migration bandwidth cap in MiB/s.")
  public Long bandwidthMiBps;
}
