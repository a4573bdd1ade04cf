package io.novacron.crds.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MigrationStatus {
  public enum Phase {
    Pending,
    Scheduling,
    Running,
    Succeeded,
    Failed,
    Cancelled
  }

  public Phase phase;

  @JsonPropertyDescription("What the migration is doing or waiting for, in words.")
  public String message;

  public String nodePool;

  @JsonPropertyDescription("UID of the VirtualMachine being moved (its libvirt domain UUID).")
  public String vmUid;

  public String sourceHost;
  public String targetHost;
  public Progress progress;

  @JsonPropertyDescription("Measured pause of the guest at switch-over (libvirt's job statistics).")
  public Long downtimeMillis;

  @JsonPropertyDescription("From the start of the libvirt job to its end.")
  public Long durationMillis;

  @JsonPropertyDescription("Bytes sent to the target host.")
  public Long bytesTransferred;

  @JsonPropertyDescription("True once a PostCopy migration switched to post-copy.")
  public Boolean postCopyStarted;

  public String startTime;
  public String completionTime;
  public String failureReason;
  public Long observedGeneration;
  public List<Condition> conditions = new ArrayList<>();

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Progress {
    public Integer percent;
    public Long bytesProcessed;
    public Long bytesRemaining;
    public Long dirtyRateBytesPerSecond;
    public Long elapsedMillis;

    @JsonPropertyDescription("When these figures were read (RFC 3339).")
    public String observedAt;
  }
}
