package io.novacron.operator.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

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

  /**
   * Only the most loaded hosts give and only the least loaded receive: in a large pool the best
   * move is between those, and checking every VM against every host would cost seconds per round.
   */
  static final int CANDIDATE_HOSTS = 16;

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
    return plan(hosts, vms, List.of(), threshold, previous, maxMoves);
  }

  /**
   * As {@link #plan(List, List, int, Set, int)}, with {@code staying}: VMs that may not move now (a
   * move under way or just made) but whose load counts on their host all the same.
   */
  public List<Move> plan(
      List<HostView> hosts,
      List<Candidate> vms,
      List<Candidate> staying,
      int threshold,
      Set<String> previous,
      int maxMoves) {
    Map<String, HostView> views = new LinkedHashMap<>();
    Map<String, double[]> load = new LinkedHashMap<>(); // host -> {cores, bytes}
    for (HostView h : hosts) {
      views.put(h.name(), h);
      load.put(h.name(), new double[2]);
    }
    for (List<Candidate> group : List.of(vms, staying)) {
      for (Candidate vm : group) {
        double[] l = load.get(vm.host());
        if (l != null) {
          l[0] += vm.forecastCores();
          l[1] += vm.forecastBytes();
        }
      }
    }
    List<Move> moves = new ArrayList<>();
    Set<String> moved = new HashSet<>();
    double minGain = minimumGain(threshold);
    while (moves.size() < maxMoves) {
      Score score = Score.of(views, load);
      Set<String> sources = busiest(views, load);
      List<HostView> targets = quietest(views, load);
      Move best = null;
      for (Candidate vm : vms) {
        if (!sources.contains(vm.host()) || moved.contains(vm.uid())) {
          continue;
        }
        for (HostView to : targets) {
          if (to.name().equals(vm.host()) || rules.rejection(vm.request(), to) != null) {
            continue;
          }
          double gain = score.gainOf(views, load, vm, to.name()) - MOVE_COST;
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

  private static Set<String> busiest(Map<String, HostView> views, Map<String, double[]> load) {
    return views.values().stream()
        .filter(HostView::ready)
        .sorted(
            Comparator.comparingDouble((HostView h) -> pressure(h, load.get(h.name()))).reversed())
        .limit(CANDIDATE_HOSTS)
        .map(HostView::name)
        .collect(Collectors.toSet());
  }

  private static List<HostView> quietest(Map<String, HostView> views, Map<String, double[]> load) {
    return views.values().stream()
        .filter(h -> usable(h))
        .sorted(Comparator.comparingDouble(h -> pressure(h, load.get(h.name()))))
        .limit(CANDIDATE_HOSTS)
        .toList();
  }

  /** A host in maintenance gives all its load up: it counts as fully pressed. */
  private static double pressure(HostView h, double[] load) {
    if (h.maintenance()) {
      return Double.MAX_VALUE;
    }
    return Math.max(cpu(h, load), memory(h, load));
  }

  private static boolean usable(HostView h) {
    return h.ready() && !h.maintenance() && h.cpus() > 0 && h.memoryMiB() > 0;
  }

  private static double cpu(HostView h, double[] load) {
    return h.cpus() == 0 ? 0 : load[0] / h.cpus();
  }

  private static double memory(HostView h, double[] load) {
    return h.memoryMiB() == 0 ? 0 : load[1] / (h.memoryMiB() * 1048576.0);
  }

  private static double overload(HostView h, double[] load) {
    return usable(h)
        ? Math.max(0, cpu(h, load) - CEILING) + Math.max(0, memory(h, load) - CEILING)
        : 0;
  }

  /**
   * The placement score (weighted overload of usable hosts plus the spread of their CPU
   * utilisation), kept as sums so that the effect of one move costs O(1).
   */
  private record Score(double overload, double sum, double sumOfSquares, int hosts) {
    static Score of(Map<String, HostView> views, Map<String, double[]> load) {
      double overload = 0;
      double sum = 0;
      double squares = 0;
      int n = 0;
      for (HostView h : views.values()) {
        if (usable(h)) {
          double[] l = load.get(h.name());
          overload += RebalancePlanner.overload(h, l);
          double u = cpu(h, l);
          sum += u;
          squares += u * u;
          n++;
        }
      }
      return new Score(overload, sum, squares, n);
    }

    double value() {
      return value(overload, sum, sumOfSquares);
    }

    private double value(double overload, double sum, double squares) {
      if (hosts == 0) {
        return OVERLOAD_WEIGHT * overload;
      }
      double mean = sum / hosts;
      return OVERLOAD_WEIGHT * overload + Math.sqrt(Math.max(0, squares / hosts - mean * mean));
    }

    /** How much moving {@code vm} to {@code to} lowers the score (negative: raises it). */
    double gainOf(
        Map<String, HostView> views, Map<String, double[]> load, Candidate vm, String to) {
      double newOverload = overload;
      double newSum = sum;
      double newSquares = sumOfSquares;
      for (String name : List.of(vm.host(), to)) {
        HostView h = views.get(name);
        double[] before = load.get(name);
        double sign = name.equals(to) ? 1 : -1;
        double[] after = {
          before[0] + sign * vm.forecastCores(), before[1] + sign * vm.forecastBytes()
        };
        if (usable(h)) {
          newOverload += RebalancePlanner.overload(h, after) - RebalancePlanner.overload(h, before);
          double u0 = cpu(h, before);
          double u1 = cpu(h, after);
          newSum += u1 - u0;
          newSquares += u1 * u1 - u0 * u0;
        }
      }
      return value() - value(newOverload, newSum, newSquares);
    }
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
