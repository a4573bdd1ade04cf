package io.novacron.operator.nodepool;

import io.novacron.crds.nodepool.HostStatus;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.operator.placement.VmCores;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A pool's forecast from its VMs' own forecasts and usage (as their status carries them): per host,
 * the CPU and memory its VMs are forecast to use; for the pool's ready hosts together, when CPU or
 * memory runs out if usage keeps moving from now to the forecast at the same rate. Pure.
 */
public final class PoolOutlook {
  /**
   * Trends further out than this are not reported: a few minutes' trend says nothing about them.
   */
  static final Duration LOOKAHEAD = Duration.ofDays(1);

  private static final long MIB = 1024 * 1024;

  private PoolOutlook() {}

  /** When capacity runs out and which resource does first. */
  public record Exhaustion(Instant at, String resource) {}

  /** Usage now and at the forecast horizon, in CPU cores and memory bytes. */
  private record Load(double coresNow, double coresAhead, double bytesNow, double bytesAhead) {
    Load plus(Load o) {
      return new Load(
          coresNow + o.coresNow,
          coresAhead + o.coresAhead,
          bytesNow + o.bytesNow,
          bytesAhead + o.bytesAhead);
    }
  }

  /** Sets each host's forecast fields from the VMs placed on it (those with a forecast). */
  public static void forecastHosts(List<HostStatus> hosts, List<VirtualMachine> placed) {
    for (HostStatus h : hosts) {
      Load load = loadOn(h.name, placed);
      h.forecastCpuPercent =
          h.capacity == null || h.capacity.cpus == 0
              ? null
              : Math.round(1000 * load.coresAhead / h.capacity.cpus) / 10.0;
      h.forecastMemoryMiB = Math.round(load.bytesAhead / MIB);
    }
  }

  /**
   * The spread (standard deviation) of the forecast CPU utilisation, as a fraction of each host's
   * CPUs, over the ready hosts not in maintenance: the imbalance term of the rebalancing score.
   * Empty when no such host has a forecast.
   */
  public static Optional<Double> imbalance(List<HostStatus> hosts) {
    double sum = 0;
    double squares = 0;
    int n = 0;
    for (HostStatus h : hosts) {
      if (h.ready && !h.maintenance && h.forecastCpuPercent != null) {
        double u = h.forecastCpuPercent / 100;
        sum += u;
        squares += u * u;
        n++;
      }
    }
    if (n == 0) {
      return Optional.empty();
    }
    double mean = sum / n;
    return Optional.of(
        Math.round(1000 * Math.sqrt(Math.max(0, squares / n - mean * mean))) / 1000.0);
  }

  /** When the ready hosts' CPU or memory runs out at the forecast trend, if within a day. */
  public static Optional<Exhaustion> exhaustion(
      List<HostStatus> hosts, List<VirtualMachine> placed, Instant now) {
    double cores = 0;
    double bytes = 0;
    Load load = new Load(0, 0, 0, 0);
    Duration horizon = null;
    for (HostStatus h : hosts) {
      if (!h.ready || h.capacity == null) {
        continue;
      }
      cores += h.capacity.cpus;
      bytes += h.capacity.memoryMiB * (double) MIB;
      load = load.plus(loadOn(h.name, placed));
    }
    for (VirtualMachine vm : placed) {
      VirtualMachineStatus.Forecast f = vm.getStatus().forecast;
      if (f != null && f.horizonSeconds != null && f.horizonSeconds > 0) {
        horizon = Duration.ofSeconds(f.horizonSeconds);
      }
    }
    if (horizon == null || cores == 0) {
      return Optional.empty();
    }
    Optional<Instant> cpu = runsOut(load.coresNow, load.coresAhead, cores, horizon, now);
    Optional<Instant> memory = runsOut(load.bytesNow, load.bytesAhead, bytes, horizon, now);
    if (cpu.isPresent() && (memory.isEmpty() || !memory.get().isBefore(cpu.get()))) {
      return Optional.of(new Exhaustion(cpu.get(), "cpu"));
    }
    return memory.map(at -> new Exhaustion(at, "memory"));
  }

  private static Optional<Instant> runsOut(
      double now, double ahead, double capacity, Duration horizon, Instant at) {
    if (now >= capacity) {
      return Optional.of(at);
    }
    double perSecond = (ahead - now) / horizon.toSeconds();
    if (perSecond <= 0) {
      return Optional.empty();
    }
    double seconds = (capacity - now) / perSecond;
    return seconds > LOOKAHEAD.toSeconds()
        ? Optional.empty()
        : Optional.of(at.plusSeconds((long) Math.ceil(seconds)));
  }

  /** VMs without a forecast or usage in status count as nothing (they have not been sampled). */
  private static Load loadOn(String host, List<VirtualMachine> placed) {
    Load total = new Load(0, 0, 0, 0);
    for (VirtualMachine vm : placed) {
      VirtualMachineStatus s = vm.getStatus();
      if (!host.equals(s.host) || s.forecast == null || s.usage == null) {
        continue;
      }
      double coresNow = s.usage.cpuPercent == null ? 0 : VmCores.at(vm, s.usage.cpuPercent);
      double coresAhead =
          s.forecast.cpuPercent.isEmpty() ? coresNow : VmCores.at(vm, s.forecast.cpuPercent.get(0));
      double bytesNow = s.usage.memoryUsedBytes == null ? 0 : s.usage.memoryUsedBytes;
      double bytesAhead =
          s.forecast.memoryBytes.isEmpty() ? bytesNow : s.forecast.memoryBytes.get(0);
      total = total.plus(new Load(coresNow, coresAhead, bytesNow, bytesAhead));
    }
    return total;
  }
}
