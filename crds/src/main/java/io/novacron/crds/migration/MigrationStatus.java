package io.novacron.crds.migration;

import com.fasterxml.jackson.annotation.JsonInclude;
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
  public String sourceHost;
  public String targetHost;
  public Progress progress;
  public Long downtimeMillis;
  public Long durationMillis;
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
  }
}
