package io.novacron.operator.placement;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses a host for a new VM: filters by readiness, maintenance, pinning, host selector,
 * anti-affinity and capacity (with the pool's overcommit ratios), then takes the host left with the
 * most free capacity (the smaller of its free CPU and free memory fractions). Pure.
 */
public final class PlacementPlanner {
  private final double cpuOvercommit;
  private final double memoryOvercommit;

  public PlacementPlanner(double cpuOvercommit, double memoryOvercommit) {
    this.cpuOvercommit = cpuOvercommit;
    this.memoryOvercommit = memoryOvercommit;
  }

  public PlacementDecision choose(VmRequest vm, List<HostView> hosts) {
    return choose(
        vm,
        hosts,
        Comparator.comparingDouble((HostView h) -> freeFractionAfter(vm, h))
            .thenComparing(HostView::name, Comparator.reverseOrder()));
  }

  /**
   * Forecast-aware placement (automation Partial and Full): of the hosts the rules allow, the one
   * whose VMs are forecast to use the smallest share of its CPUs; allocation breaks ties. {@code
   * forecastCores}: per host, the CPU cores its VMs are forecast to use (absent: none).
   */
  public PlacementDecision chooseByForecast(
      VmRequest vm, List<HostView> hosts, Map<String, Double> forecastCores) {
    Comparator<HostView> quietest =
        Comparator.comparingDouble(
            (HostView h) -> -forecastCores.getOrDefault(h.name(), 0.0) / Math.max(1, h.cpus()));
    return choose(
        vm,
        hosts,
        quietest
            .thenComparingDouble((HostView h) -> freeFractionAfter(vm, h))
            .thenComparing(HostView::name, Comparator.reverseOrder()));
  }

  /** The best host by {@code preference} (greatest wins) among those the rules allow. */
  private PlacementDecision choose(
      VmRequest vm, List<HostView> hosts, Comparator<HostView> preference) {
    Map<String, String> rejections = new LinkedHashMap<>();
    Optional<HostView> best =
        hosts.stream()
            .filter(
                h -> {
                  String why = rejection(vm, h);
                  if (why != null) {
                    rejections.put(h.name(), why);
                  }
                  return why == null;
                })
            .toList()
            .stream()
            .max(preference);
    return new PlacementDecision(
        best.map(HostView::name), best.isPresent() ? Map.of() : rejections);
  }

  /** Why {@code vm} may not go to {@code h}, or null when it may. */
  String rejection(VmRequest vm, HostView h) {
    if (vm.pinnedHost() != null && !vm.pinnedHost().equals(h.name())) {
      return "VM is pinned to " + vm.pinnedHost();
    }
    if (!h.ready()) {
      return "not ready (" + h.notReadyReason() + ")";
    }
    if (h.maintenance()) {
      return "in maintenance";
    }
    for (var e : vm.hostSelector().entrySet()) {
      if (!e.getValue().equals(h.labels().get(e.getKey()))) {
        return "label " + e.getKey() + "=" + e.getValue() + " missing";
      }
    }
    if (vm.antiAffinityGroup() != null && h.antiAffinityGroups().contains(vm.antiAffinityGroup())) {
      return "already runs a VM of anti-affinity group " + vm.antiAffinityGroup();
    }
    long cpuRoom = (long) Math.floor(h.cpus() * cpuOvercommit) - h.allocatedVcpus();
    if (vm.vcpus() > cpuRoom) {
      return "needs " + vm.vcpus() + " vCPUs, " + Math.max(0, cpuRoom) + " free";
    }
    long memoryRoom = (long) Math.floor(h.memoryMiB() * memoryOvercommit) - h.allocatedMemoryMiB();
    if (vm.memoryMiB() > memoryRoom) {
      return "needs " + vm.memoryMiB() + " MiB, " + Math.max(0, memoryRoom) + " MiB free";
    }
    return null;
  }

  private double freeFractionAfter(VmRequest vm, HostView h) {
    double cpuCapacity = h.cpus() * cpuOvercommit;
    double memoryCapacity = h.memoryMiB() * memoryOvercommit;
    double cpuFree = (cpuCapacity - h.allocatedVcpus() - vm.vcpus()) / cpuCapacity;
    double memoryFree = (memoryCapacity - h.allocatedMemoryMiB() - vm.memoryMiB()) / memoryCapacity;
    return Math.min(cpuFree, memoryFree);
  }
}
