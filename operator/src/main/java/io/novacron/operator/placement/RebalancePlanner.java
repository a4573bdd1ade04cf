package io.novacron.operator.placement;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recommends moves of running VMs between a pool's hosts from their forecast load. A placement is
 * scored by forecast overload (utilisation above {@link #CEILING}, weighted heavily) plus imbalance
 * (the spread of forecast CPU utilisation across usable hosts); a move is worth recommending when
 * it lowers the score by at least the threshold's minimum gain after a fixed cost per move, so tiny
 * gains never cause migrations. Threshold 1 asks for large gains only, 5 for small ones, in the
 * spirit of DRS migration thresholds. A move recommended last time needs only half the gain to stay
 * (hysteresis). Targets obey the same rules as initial placement (ready, not in maintenance,
 * selector, anti-affinity, pinning, overcommitted capacity). Pure.
 */
public final class RebalancePlanner {
  static final double CEILING = 0.8;
  static final double OVERLOAD_WEIGHT = 4;
  static final double MOVE_COST = 0.01;
  private static final double[] MIN_GAIN = {0.20, 0.10, 0.05, 0.025, 0.01};

  private final PlacementPlanner rules;

  public RebalancePlanner(PlacementPlanner rules) {
    this.rules = rules;
  }

  /** A running VM that could move, with its forecast use in CPU cores and memory bytes. */
  public record Candidate(
      String uid,
      String namespace,
      String name,
      String host,
      VmRequest request,
      double forecastCores,
      double forecastBytes) {}

  public record Move(Candidate vm, String to, double gain, String reason) {}

  /** Minimum gain for a threshold of 1 (conservative) to 5 (aggressive). */
  public static double minimumGain(int threshold) {
    return MIN_GAIN[Math.max(1, Math.min(5, threshold)) - 1];
  }

  /**
   * Up to {@code maxMoves} moves, best first, each applied before the next is chosen; {@code
   * previous} holds "uid to host" of the moves recommended last time.
   */
  public List<Move> plan(
      List<HostView> hosts,
      List<Candidate> vms,
      int threshold,
      Set<String> previous,
      int maxMoves) {
    Map<String, HostView> views = new LinkedHashMap<>();
    Map<String, double[]> load = new LinkedHashMap<>(); // host -> {cores, bytes}
    for (HostView h : hosts) {
      views.put(h.name(), h);
      load.put(h.name(), new double[2]);
    }
    for (Candidate vm : vms) {
      double[] l = load.get(vm.host());
      if (l != null) {
        l[0] += vm.forecastCores();
        l[1] += vm.forecastBytes();
      }
    }
    List<Move> moves = new ArrayList<>();
    Set<String> moved = new HashSet<>();
    double minGain = minimumGain(threshold);
    while (moves.size() < maxMoves) {
      double before = score(views, load);
      Move best = null;
      for (Candidate vm : vms) {
        HostView from = views.get(vm.host());
        if (from == null || !from.ready() || moved.contains(vm.uid())) {
          continue;
        }
        for (HostView to : views.values()) {
          if (to.name().equals(vm.host()) || rules.rejection(vm.request(), to) != null) {
            continue;
          }
          shift(load, vm, vm.host(), to.name());
          double gain = before - score(views, load) - MOVE_COST;
          shift(load, vm, to.name(), vm.host());
          double needed = previous.contains(key(vm.uid(), to.name())) ? minGain / 2 : minGain;
          if (gain >= needed && (best == null || gain > best.gain())) {
            best = new Move(vm, to.name(), gain, reason(views, load, vm, to.name()));
          }
        }
      }
      if (best == null) {
        break;
      }
      shift(load, best.vm(), best.vm().host(), best.to());
      views.put(best.vm().host(), without(views.get(best.vm().host()), best.vm()));
      views.put(best.to(), with(views.get(best.to()), best.vm()));
      moved.add(best.vm().uid());
      moves.add(best);
    }
    return moves;
  }

  public static String key(String uid, String host) {
    return uid + ">" + host;
  }

  private static void shift(Map<String, double[]> load, Candidate vm, String from, String to) {
    load.get(from)[0] -= vm.forecastCores();
    load.get(from)[1] -= vm.forecastBytes();
    load.get(to)[0] += vm.forecastCores();
    load.get(to)[1] += vm.forecastBytes();
  }

  /** Overload of usable hosts (weighted) plus the spread of their CPU utilisation. */
  private static double score(Map<String, HostView> views, Map<String, double[]> load) {
    double overload = 0;
    List<Double> utilisation = new ArrayList<>();
    for (HostView h : views.values()) {
      if (!h.ready() || h.maintenance() || h.cpus() == 0 || h.memoryMiB() == 0) {
        continue;
      }
      double cpu = load.get(h.name())[0] / h.cpus();
      double memory = load.get(h.name())[1] / (h.memoryMiB() * 1048576.0);
      overload += Math.max(0, cpu - CEILING) + Math.max(0, memory - CEILING);
      utilisation.add(cpu);
    }
    double mean = utilisation.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double variance =
        utilisation.stream().mapToDouble(u -> (u - mean) * (u - mean)).average().orElse(0);
    return OVERLOAD_WEIGHT * overload + Math.sqrt(variance);
  }

  private static String reason(
      Map<String, HostView> views, Map<String, double[]> load, Candidate vm, String to) {
    HostView from = views.get(vm.host());
    double cpu = from.cpus() == 0 ? 0 : load.get(vm.host())[0] / from.cpus();
    double memory =
        from.memoryMiB() == 0 ? 0 : load.get(vm.host())[1] / (from.memoryMiB() * 1048576.0);
    if (cpu > CEILING || memory > CEILING) {
      return String.format(
          "%s is forecast at %.0f %% CPU and %.0f %% memory, above the %.0f %% ceiling; %s has room",
          vm.host(), 100 * cpu, 100 * memory, 100 * CEILING, to);
    }
    return String.format(
        "evens out forecast CPU load: %s is at %.0f %%, %s lower", vm.host(), 100 * cpu, to);
  }

  private static HostView without(HostView h, Candidate vm) {
    return withAllocation(h, -vm.request().vcpus(), -vm.request().memoryMiB(), null);
  }

  private static HostView with(HostView h, Candidate vm) {
    return withAllocation(
        h, vm.request().vcpus(), vm.request().memoryMiB(), vm.request().antiAffinityGroup());
  }

  private static HostView withAllocation(HostView h, int vcpus, long memoryMiB, String group) {
    Set<String> groups = new HashSet<>(h.antiAffinityGroups());
    if (group != null) {
      groups.add(group);
    }
    return new HostView(
        h.name(),
        h.ready(),
        h.notReadyReason(),
        h.maintenance(),
        h.labels(),
        h.cpus(),
        h.memoryMiB(),
        h.allocatedVcpus() + vcpus,
        h.allocatedMemoryMiB() + memoryMiB,
        groups);
  }
}
