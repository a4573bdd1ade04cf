package io.novacron.crds.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.novacron.crds.common.MigrationMode;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "self.vmName == oldSelf.vmName && self.mode == oldSelf.mode"
            + " && has(self.targetHost) == has(oldSelf.targetHost)"
            + " && (!has(self.targetHost) || self.targetHost == oldSelf.targetHost)"
            + " && has(self.maxDowntimeMillis) == has(oldSelf.maxDowntimeMillis)"
            + " && (!has(self.maxDowntimeMillis) || self.maxDowntimeMillis == oldSelf.maxDowntimeMillis)"
            + " && has(self.bandwidthMiBps) == has(oldSelf.bandwidthMiBps)"
            + " && (!has(self.bandwidthMiBps) || self.bandwidthMiBps == oldSelf.bandwidthMiBps)"
            + " && has(self.completionTimeoutSeconds) == has(oldSelf.completionTimeoutSeconds)"
            + " && (!has(self.completionTimeoutSeconds)"
            + " || self.completionTimeoutSeconds == oldSelf.completionTimeoutSeconds)"
            + " && has(self.progressTimeoutSeconds) == has(oldSelf.progressTimeoutSeconds)"
            + " && (!has(self.progressTimeoutSeconds)"
            + " || self.progressTimeoutSeconds == oldSelf.progressTimeoutSeconds)"
            + " && (has(self.autoConverge) && self.autoConverge)"
            + " == (has(oldSelf.autoConverge) && oldSelf.autoConverge)"
            + " && (has(self.compression) && self.compression)"
            + " == (has(oldSelf.compression) && oldSelf.compression)",
    message = "a Migration's spec is immutable except cancel and switchToPostCopy")
@ValidationRule(
    value = "!(has(oldSelf.cancel) && oldSelf.cancel) || (has(self.cancel) && self.cancel)",
    message = "a cancelled Migration cannot be resumed")
public class MigrationSpec {
  @Required
  @JsonPropertyDescription("Name of the VirtualMachine to move, in the Migration's namespace.")
  public String vmName;

  @JsonPropertyDescription("Host to move to; the placement engine picks one when empty.")
  public String targetHost;

  @Default("Live")
  public MigrationMode mode = MigrationMode.Live;

  @Min(1)
  @JsonPropertyDescription(
      "Longest pause the switch-over may cause, in milliseconds (default: the VM's migration"
          + " preferences, else libvirt's 300 ms).")
  public Long maxDowntimeMillis;

  @Min(1)
  @JsonPropertyDescription(
      "Bandwidth cap in MiB/s (default: the VM's migration preferences, else unlimited).")
  public Long bandwidthMiBps;

  @Min(1)
  @JsonPropertyDescription(
      "Give up (the VM stays on its source) after this many seconds; PostCopy switches to"
          + " post-copy instead. Default: the operator's per-GiB timeout times the VM's memory.")
  public Long completionTimeoutSeconds;

  @Min(1)
  @JsonPropertyDescription(
      "Give up (PostCopy: switch to post-copy) when the data still to send has not shrunk for"
          + " this many seconds. Default: the operator's progress timeout.")
  public Long progressTimeoutSeconds;

  @JsonPropertyDescription("Throttle the guest's vCPUs when memory is dirtied faster than sent.")
  public Boolean autoConverge;

  @JsonPropertyDescription("Compress memory pages in transit.")
  public Boolean compression;

  @JsonPropertyDescription(
      "Set to true to abort: a running migration is rolled back and the VM keeps running on"
          + " its source (phase Cancelled).")
  public Boolean cancel;

  @JsonPropertyDescription(
      "PostCopy only: set to true to switch a running migration to post-copy now.")
  public Boolean switchToPostCopy;
}
