package io.novacron.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.operator.placement.RebalancePlanner.Candidate;
import io.novacron.operator.placement.RebalancePlanner.Move;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RebalancePlannerTest {
  private static final long GIB = 1L << 30;
  private final RebalancePlanner planner = new RebalancePlanner(new PlacementPlanner(4, 1));

  private static HostView host(String name, boolean ready, boolean maintenance, String label) {
    return new HostView(
        name,
        ready,
        ready ? null : "down",
        maintenance,
        label == null ? Map.of() : Map.of("zone", label),
        8,
        32_768,
        0,
        0,
        Set.of());
  }

  private static HostView host(String name) {
    return host(name, true, false, null);
  }

  private static Candidate vm(String name, String host, double cores) {
    return vm(name, host, cores, new VmRequest(2, 2048, Map.of(), null, null));
  }

  private static Candidate vm(String name, String host, double cores, VmRequest request) {
    return new Candidate("uid-" + name, "ns", name, host, request, cores, 2 * GIB);
  }

  @Test
  void anOverloadedHostSendsAVmToTheIdleOne() {
    List<Move> moves =
        planner.plan(
            List.of(host("busy"), host("idle")),
            List.of(vm("a", "busy", 3), vm("b", "busy", 3), vm("c", "busy", 2)),
            3,
            Set.of(),
            5);
    assertThat(moves).isNotEmpty();
    assertThat(moves.get(0).to()).isEqualTo("idle");
    assertThat(moves.get(0).reason()).contains("busy is forecast at 100 % CPU", "80 % ceiling");
    assertThat(moves.get(0).gain()).isGreaterThan(RebalancePlanner.minimumGain(3));
  }

  @Test
  void aVmThatMayNotMoveStillCountsOnTheHostItIsGoingTo() {
    // "a" is on its way to the idle host: with its load counted there, the pool is balanced
    List<Candidate> movable = List.of(vm("b", "busy", 3), vm("c", "busy", 2));
    List<Candidate> staying = List.of(vm("a", "idle", 3));
    List<HostView> hosts = List.of(host("busy"), host("idle"));
    assertThat(planner.plan(hosts, movable, staying, 3, Set.of(), 5)).isEmpty();
    // left out, its load would vanish and "b" would follow it
    assertThat(planner.plan(hosts, movable, List.of(), 3, Set.of(), 5)).isNotEmpty();
  }

  @Test
  void aBalancedPoolGetsNoMove() {
    assertThat(
            planner.plan(
                List.of(host("h1"), host("h2")),
                List.of(vm("a", "h1", 2), vm("b", "h2", 2)),
                5,
                Set.of(),
                5))
        .isEmpty();
  }

  @Test
  void theThresholdDecidesWhetherAModestImbalanceIsWorthAMove() {
    // 3 cores vs 1 core of 8: utilisation 37.5 % vs 12.5 %, no overload
    List<HostView> hosts = List.of(host("h1"), host("h2"));
    List<Candidate> vms = List.of(vm("a", "h1", 2), vm("b", "h1", 1), vm("c", "h2", 1));
    assertThat(planner.plan(hosts, vms, 1, Set.of(), 5)).as("conservative").isEmpty();
    assertThat(planner.plan(hosts, vms, 5, Set.of(), 5)).as("aggressive").isNotEmpty();
  }

  @Test
  void aMoveRecommendedBeforeStaysWithHalfTheGain() {
    // CPU 25 % vs 12.5 % (spread 0.0625); moving a gives 21.25 % vs 16.25 % (0.025): a gain of
    // 0.0275 after the move's cost, between half the threshold-3 minimum (0.025) and it (0.05)
    List<HostView> hosts = List.of(host("h1"), host("h2"));
    List<Candidate> vms = List.of(vm("a", "h1", 0.3), vm("b", "h1", 1.7), vm("c", "h2", 1.0));
    assertThat(planner.plan(hosts, vms, 3, Set.of(), 5)).isEmpty();
    assertThat(planner.plan(hosts, vms, 3, Set.of(RebalancePlanner.key("uid-a", "h2")), 5))
        .extracting(m -> m.vm().name())
        .containsExactly("a");
  }

  @Test
  void targetsFollowThePlacementRules() {
    VmRequest pinned = new VmRequest(2, 2048, Map.of(), null, "busy");
    VmRequest zoned = new VmRequest(2, 2048, Map.of("zone", "b"), null, null);
    List<HostView> hosts =
        List.of(
            host("busy"),
            host("down", false, false, "b"),
            host("maint", true, true, "b"),
            host("zone-a", true, false, "a"));
    List<Move> moves =
        planner.plan(
            hosts,
            List.of(vm("p", "busy", 4, pinned), vm("z", "busy", 4, zoned), vm("x", "busy", 1)),
            5,
            Set.of(),
            5);
    // p is pinned, z may only go to zone b (down or in maintenance): only x can move
    assertThat(moves).extracting(m -> m.vm().name()).containsOnly("x");
    assertThat(moves).extracting(Move::to).containsOnly("zone-a");
  }

  @Test
  void movesStopAtTheLimitAndNoVmMovesTwice() {
    List<Candidate> vms =
        List.of(vm("a", "busy", 2), vm("b", "busy", 2), vm("c", "busy", 2), vm("d", "busy", 2));
    List<Move> moves =
        planner.plan(List.of(host("busy"), host("i1"), host("i2")), vms, 5, Set.of(), 2);
    assertThat(moves).hasSize(2);
    assertThat(moves).extracting(m -> m.vm().uid()).doesNotHaveDuplicates();
  }
}
