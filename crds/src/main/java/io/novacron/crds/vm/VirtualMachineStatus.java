package io.novacron.crds.vm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class VirtualMachineStatus {
  public enum Phase {
    Pending,
    Scheduling,
    Starting,
    Running,
    Migrating,
    Stopping,
    Stopped,
    Failed,
    Unknown,
    Terminating
  }

  public Phase phase;

  @JsonPropertyDescription("Host of the NodePool the VM is placed on.")
  public String host;

  @JsonPropertyDescription("The Migration moving the VM now, while its phase is Migrating.")
  public String migration;

  @JsonPropertyDescription("Name of the libvirt domain (or KubeVirt object) backing the VM.")
  public String domainName;

  @JsonPropertyDescription("UUID of the libvirt domain.")
  public String domainUuid;

  public Long observedGeneration;

  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "Fingerprints of the configuration the running domain was started with, by section; used"
          + " to tell which spec changes need a restart.")
  public Map<String, String> bootConfig = new LinkedHashMap<>();

  @JsonPropertyDescription(
      "When the operator asked the running domain to stop (runStrategy Halted); the domain is"
          + " forced off once the grace period has passed.")
  public String stopRequestedAt;

  @JsonPropertyDescription("vCPUs and memory the running domain has been given.")
  public Resources resources;

  public Usage usage;
  public Forecast forecast;
  public Recommendation recommendation;

  /** vCPUs and memory given to the running domain, including live changes. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Resources {
    public int vcpus;
    public long memoryMiB;

    public Resources() {}

    public Resources(int vcpus, long memoryMiB) {
      this.vcpus = vcpus;
      this.memoryMiB = memoryMiB;
    }
  }

  /** Latest measured resource usage, refreshed on significant change or once a minute. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Usage {
    @JsonPropertyDescription("CPU use over all vCPUs, 0-100.")
    public Double cpuPercent;

    @JsonPropertyDescription("CPU use of each vCPU, 0-100.")
    public List<Double> vcpuPercent = new ArrayList<>();

    @JsonPropertyDescription("Memory the guest uses (balloon size minus what it reports unused).")
    public Long memoryUsedBytes;

    @JsonPropertyDescription("Memory the guest can use, as its balloon driver reports.")
    public Long memoryAvailableBytes;

    @JsonPropertyDescription(
        "Memory the host gives the guest now (the balloon's current size; below spec.memory while"
            + " a live resize is under way or the guest has not given memory back).")
    public Long memoryBalloonBytes;

    @JsonPropertyDescription(
        "Resident memory of the VM's QEMU process on its host, whether or not the guest has a"
            + " balloon driver.")
    public Long memoryRssBytes;

    public Double diskReadBytesPerSecond;
    public Double diskWriteBytesPerSecond;
    public Double diskReadOpsPerSecond;
    public Double diskWriteOpsPerSecond;
    public Double networkRxBytesPerSecond;
    public Double networkTxBytesPerSecond;

    @JsonPropertyDescription("When these figures were sampled (RFC 3339).")
    public String sampledAt;
  }

  /** Forecast load for the coming horizon. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Forecast {
    public List<Double> cpuPercent = new ArrayList<>();

    @JsonPropertyDescription(
        "Lower end of an 80 % interval around each cpuPercent: the forecast plus the 10th"
            + " percentile of the predictor's errors (actual minus forecast) on its validation"
            + " window. Empty until a model has been trained.")
    public List<Double> cpuPercentP10 = new ArrayList<>();

    @JsonPropertyDescription(
        "Upper end of that interval: the forecast plus the errors' 90th percentile.")
    public List<Double> cpuPercentP90 = new ArrayList<>();

    public List<Long> memoryBytes = new ArrayList<>();

    @JsonPropertyDescription("As cpuPercentP10, for memoryBytes.")
    public List<Long> memoryBytesP10 = new ArrayList<>();

    @JsonPropertyDescription("As cpuPercentP90, for memoryBytes.")
    public List<Long> memoryBytesP90 = new ArrayList<>();

    @JsonPropertyDescription("Network throughput, received plus sent.")
    public List<Long> networkBytesPerSecond = new ArrayList<>();

    @JsonPropertyDescription("As cpuPercentP10, for networkBytesPerSecond.")
    public List<Long> networkBytesPerSecondP10 = new ArrayList<>();

    @JsonPropertyDescription("As cpuPercentP90, for networkBytesPerSecond.")
    public List<Long> networkBytesPerSecondP90 = new ArrayList<>();

    @JsonPropertyDescription("Disk throughput, read plus written.")
    public List<Long> diskBytesPerSecond = new ArrayList<>();

    @JsonPropertyDescription("As cpuPercentP10, for diskBytesPerSecond.")
    public List<Long> diskBytesPerSecondP10 = new ArrayList<>();

    @JsonPropertyDescription("As cpuPercentP90, for diskBytesPerSecond.")
    public List<Long> diskBytesPerSecondP90 = new ArrayList<>();

    public Long horizonSeconds;
    public Long stepSeconds;

    @JsonPropertyDescription(
        "What made the CPU forecast: \"model\" (the trained network, while it beats every"
            + " baseline on its validation window) or the baseline that did best there.")
    public String predictor;

    @JsonPropertyDescription("Version of the trained model the predictor was validated with.")
    public String modelVersion;

    @JsonPropertyDescription(
        "The predictor's mean absolute CPU error on its validation window, in percentage points:"
            + " expect the actual value within about this much of the forecast.")
    public Double cpuErrorPercent;

    public String generatedAt;
  }

  /** A better host for the VM, when the placement engine found one. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Recommendation {
    public String targetHost;
    public String reason;
    public Double expectedGain;
    public String generatedAt;
  }
}
