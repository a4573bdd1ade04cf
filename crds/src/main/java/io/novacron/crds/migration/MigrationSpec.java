package io.novacron.crds.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.novacron.crds.common.MigrationMode;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "a Migration's spec is immutable")
public class MigrationSpec {
  @Required
  @JsonPropertyDescription("Name of the VirtualMachine to move, in the Migration's namespace.")
  public String vmName;

  @JsonPropertyDescription("Host to move to; the placement engine picks one when empty.")
  public String targetHost;

  @Default("Live")
  public MigrationMode mode = MigrationMode.Live;

  @Min(1)
  @JsonPropertyDescription("Longest pause the switch-over may cause, in milliseconds.")
  public Long maxDowntimeMillis;

  @Min(1)
  @JsonPropertyDescription("Bandwidth cap in MiB/s.")
  public Long bandwidthMiBps;

  @Min(1)
  @JsonPropertyDescription("Give up (and roll back) after this many seconds.")
  public Long completionTimeoutSeconds;

  @JsonPropertyDescription("Throttle the guest's vCPUs when memory is dirtied faster than sent.")
  public boolean autoConverge;

  @JsonPropertyDescription("Compress memory pages in transit.")
  public boolean compression;
}
