package io.novacron.crds.nodepool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class HostStatus {
  public String name;
  public boolean ready;
  public boolean maintenance;

  @JsonPropertyDescription("Why the host is not ready, or what it reported.")
  public String message;

  public Resources capacity;
  public Resources allocated;
  public Long freeMemoryMiB;
  public int vmCount;

  @JsonPropertyDescription("0 (unusable) to 100 (healthy).")
  public int healthScore;

  public String healthReason;

  @JsonPropertyDescription("Last time the host answered (RFC 3339).")
  public String lastSeen;

  @JsonPropertyDescription("Domains on the host that no VirtualMachine owns; never touched.")
  public int unmanagedDomainCount;

  public List<String> unmanagedDomains = new ArrayList<>();

  @JsonPropertyDescription(
      "CPU its VMs are forecast to use at the forecast horizon, in percent of the host's CPUs.")
  public Double forecastCpuPercent;

  @JsonPropertyDescription("Memory its VMs are forecast to use at the forecast horizon.")
  public Long forecastMemoryMiB;

  @JsonPropertyDescription("Progress of moving VMs off the host while it is in maintenance.")
  public Evacuation evacuation;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Evacuation {
    @JsonPropertyDescription("VMs still on the host.")
    public int vmsRemaining;

    public int migrationsPending;
    public int migrationsRunning;
    public int migrationsSucceeded;
    public int migrationsFailed;
    public String message;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Resources {
    public int cpus;
    public long memoryMiB;

    public Resources() {}

    public Resources(int cpus, long memoryMiB) {
      this.cpus = cpus;
      this.memoryMiB = memoryMiB;
    }
  }
}
