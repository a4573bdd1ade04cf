package io.novacron.operator.nodepool;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.novacron.crds.nodepool.HostSpec;
import io.novacron.crds.nodepool.HostStatus;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.nodepool.NodePoolStatus.MoveRecommendation;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.operator.kube.VmStatusEdit;
import io.novacron.operator.placement.HostView;
import io.novacron.operator.placement.PlacementPlanner;
import io.novacron.operator.placement.RebalancePlanner;
import io.novacron.operator.placement.RebalancePlanner.Candidate;
import io.novacron.operator.placement.RebalancePlanner.Move;
import io.novacron.operator.placement.VmCores;
import io.novacron.operator.placement.VmRequest;
import io.novacron.policy.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recommends VM moves for a pool once per its rebalancing interval, from the VMs' forecasts ({@link
 * RebalancePlanner}), into the pool's status and each affected VM's status (set when recommended,
 * cleared when no longer). Recommendations only: nothing is migrated here.
 */
final class PoolRebalancer {
  private static final Logger log = LoggerFactory.getLogger(PoolRebalancer.class);
  private final Clock clock;
  private final Map<String, Instant> lastPlanned = new ConcurrentHashMap<>();
  private final Counter recommended;

  PoolRebalancer(Clock clock, MeterRegistry meters) {
    this.clock = clock;
    this.recommended =
        Counter.builder("novacron.rebalance.recommendations")
            .description("VM moves recommended (each planning round counts its moves)")
            .register(meters);
  }

  /** The recommendations to show: new ones when the interval has passed, else the previous. */
  List<MoveRecommendation> recommend(
      NodePool pool,
      List<HostStatus> hosts,
      List<VirtualMachine> placed,
      List<MoveRecommendation> previous,
      Map<String, Optional<String>> coolingDown,
      KubernetesClient client) {
    String name = pool.getMetadata().getName();
    Instant now = clock.instant();
    Duration interval = Durations.parse(pool.getSpec().rebalancing.interval);
    Instant last = lastPlanned.get(name);
    if (last != null && now.isBefore(last.plus(interval))) {
      return previous;
    }
    lastPlanned.put(name, now);
    Set<String> before =
        previous.stream()
            .map(r -> RebalancePlanner.key(uidOf(placed, r.vm), r.toHost))
            .collect(Collectors.toSet());
    Candidates candidates = candidates(placed, coolingDown);
    List<Move> moves =
        new RebalancePlanner(
                new PlacementPlanner(
                    pool.getSpec().overcommit.cpu, pool.getSpec().overcommit.memory))
            .plan(
                views(pool, hosts, placed),
                candidates.movable(),
                candidates.staying(),
                pool.getSpec().rebalancing.threshold,
                before,
                Math.max(1, pool.getSpec().rebalancing.limits.perPool));
    List<MoveRecommendation> out = new ArrayList<>();
    for (Move m : moves) {
      MoveRecommendation r = new MoveRecommendation();
      r.vm = Cache.namespaceKeyFunc(m.vm().namespace(), m.vm().name());
      r.fromHost = m.vm().host();
      r.toHost = m.to();
      r.reason = m.reason();
      r.expectedGain = rounded(m.gain());
      out.add(r);
    }
    writeVmRecommendations(client, placed, moves, now);
    recommended.increment(moves.size());
    return out;
  }

  /** When the pool's last planning round ran, or null before the first. */
  Instant lastRound(String pool) {
    return lastPlanned.get(pool);
  }

  private static String uidOf(List<VirtualMachine> placed, String namespacedName) {
    return placed.stream()
        .filter(vm -> namespacedName.equals(Cache.metaNamespaceKeyFunc(vm)))
        .map(vm -> vm.getMetadata().getUid())
        .findFirst()
        .orElse("");
  }

  private static List<HostView> views(
      NodePool pool, List<HostStatus> hosts, List<VirtualMachine> placed) {
    Map<String, HostSpec> specs =
        pool.getSpec().hosts.stream().collect(Collectors.toMap(h -> h.name, h -> h, (a, b) -> a));
    List<HostView> out = new ArrayList<>();
    for (HostStatus h : hosts) {
      Set<String> groups = new HashSet<>();
      for (VirtualMachine vm : placed) {
        var placement = vm.getSpec().placement;
        if (h.name.equals(vm.getStatus().host)
            && placement != null
            && placement.antiAffinityGroup != null) {
          groups.add(placement.antiAffinityGroup);
        }
      }
      HostSpec spec = specs.get(h.name);
      out.add(
          new HostView(
              h.name,
              h.ready,
              h.message,
              h.maintenance,
              spec == null ? Map.of() : spec.labels,
              h.capacity == null ? 0 : h.capacity.cpus,
              h.capacity == null ? 0 : h.capacity.memoryMiB,
              h.allocated == null ? 0 : h.allocated.cpus,
              h.allocated == null ? 0 : h.allocated.memoryMiB,
              groups));
    }
    return out;
  }

  /** The VMs the planner may move, and those it may not (a move under way or just made). */
  private record Candidates(List<Candidate> movable, List<Candidate> staying) {}

  /**
   * Running VMs with a forecast, each on its host, or on the host a move under way goes to; a VM
   * with an invalid spec has no domain and is left out.
   */
  private static Candidates candidates(
      List<VirtualMachine> placed, Map<String, Optional<String>> coolingDown) {
    Candidates out = new Candidates(new ArrayList<>(), new ArrayList<>());
    for (VirtualMachine vm : placed) {
      VirtualMachineStatus s = vm.getStatus();
      if (s.forecast == null || s.forecast.cpuPercent.isEmpty()) {
        continue;
      }
      Optional<String> cooling = coolingDown.get(Cache.metaNamespaceKeyFunc(vm));
      try {
        VmRequest request = VmRequest.of(vm.getSpec());
        double bytes =
            s.forecast.memoryBytes.isEmpty()
                ? request.memoryMiB() * 1048576.0
                : s.forecast.memoryBytes.get(0);
        Candidate c =
            new Candidate(
                vm.getMetadata().getUid(),
                vm.getMetadata().getNamespace(),
                vm.getMetadata().getName(),
                cooling == null ? s.host : cooling.orElse(s.host),
                request,
                VmCores.at(vm, s.forecast.cpuPercent.get(0)),
                bytes);
        (cooling == null ? out.movable() : out.staying()).add(c);
      } catch (IllegalArgumentException e) {
        // invalid spec: its own status says why
      }
    }
    return out;
  }

  /** Sets or clears each VM's recommendation where it changed. */
  private static void writeVmRecommendations(
      KubernetesClient client, List<VirtualMachine> placed, List<Move> moves, Instant now) {
    Map<String, Move> byUid =
        moves.stream().collect(Collectors.toMap(m -> m.vm().uid(), m -> m, (a, b) -> a));
    for (VirtualMachine vm : placed) {
      Move move = byUid.get(vm.getMetadata().getUid());
      VirtualMachineStatus.Recommendation current = vm.getStatus().recommendation;
      String target = move == null ? null : move.to();
      if (Objects.equals(target, current == null ? null : current.targetHost)) {
        continue;
      }
      try {
        VmStatusEdit.apply(
            client,
            vm.getMetadata().getNamespace(),
            vm.getMetadata().getName(),
            fresh ->
                fresh.getStatus().recommendation = move == null ? null : recommendation(move, now));
      } catch (KubernetesClientException e) {
        log.warn(
            "Could not write the recommendation of {}/{}: {}",
            vm.getMetadata().getNamespace(),
            vm.getMetadata().getName(),
            e.getMessage());
      }
    }
  }

  private static VirtualMachineStatus.Recommendation recommendation(Move m, Instant now) {
    VirtualMachineStatus.Recommendation r = new VirtualMachineStatus.Recommendation();
    r.targetHost = m.to();
    r.reason = m.reason();
    r.expectedGain = rounded(m.gain());
    r.generatedAt = now.toString();
    return r;
  }

  private static double rounded(double gain) {
    return Math.round(gain * 1000) / 1000.0;
  }
}
