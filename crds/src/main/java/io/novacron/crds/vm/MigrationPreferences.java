package io.novacron.crds.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.novacron.crds.common.MigrationMode;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MigrationPreferences {
  @JsonPropertyDescription("Modes this VM may be migrated with; all when empty.")
  public List<MigrationMode> allowedModes = new ArrayList<>();

  @Min(1)
  @JsonPropertyDescription("Longest pause a live migration may cause, in milliseconds.")
  public Long maxDowntimeMillis;

  @Min(1)
  @JsonPropertyDescription("Migration bandwidth cap in MiB/s.")
  public Long bandwidthMiBps;
}
