package io.novacron.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementPlannerTest {
  private final PlacementPlanner planner = new PlacementPlanner(1.0, 1.0);

  private static HostView host(String name, int allocatedVcpus, long allocatedMiB) {
    return new HostView(
        name, true, null, false, Map.of(), 4, 4096, allocatedVcpus, allocatedMiB, Set.of());
  }

  private static VmRequest vm(int vcpus, long mib) {
    return new VmRequest(vcpus, mib, Map.of(), null, null);
  }

  @Test
  void picksTheHostWithMostFreeCapacity() {
    var decision =
        planner.choose(
            vm(1, 512), List.of(host("h1", 2, 1024), host("h2", 1, 512), host("h3", 3, 0)));
    assertThat(decision.host()).contains("h2");
  }

  @Test
  void skipsHostsNotReadyOrInMaintenanceAndSaysWhy() {
    HostView down =
        new HostView("h1", false, "connection refused", false, Map.of(), 0, 0, 0, 0, Set.of());
    HostView maint = new HostView("h2", true, null, true, Map.of(), 4, 4096, 0, 0, Set.of());
    var decision = planner.choose(vm(1, 128), List.of(down, maint));
    assertThat(decision.host()).isEmpty();
    assertThat(decision.explanation())
        .isEqualTo("no host fits: h1: not ready (connection refused); h2: in maintenance");
  }

  @Test
  void honoursHostSelectorPinningAndAntiAffinity() {
    HostView ssd =
        new HostView("h1", true, null, false, Map.of("disk", "ssd"), 4, 4096, 3, 0, Set.of());
    HostView hdd =
        new HostView("h2", true, null, false, Map.of("disk", "hdd"), 4, 4096, 0, 0, Set.of());
    HostView grouped =
        new HostView("h3", true, null, false, Map.of("disk", "ssd"), 4, 4096, 0, 0, Set.of("web"));

    assertThat(
            planner
                .choose(new VmRequest(1, 128, Map.of("disk", "ssd"), null, null), List.of(ssd, hdd))
                .host())
        .contains("h1");
    assertThat(
            planner.choose(new VmRequest(1, 128, Map.of(), null, "h1"), List.of(ssd, hdd)).host())
        .contains("h1");
    var spread =
        planner.choose(
            new VmRequest(1, 128, Map.of("disk", "ssd"), "web", null), List.of(grouped, ssd));
    assertThat(spread.host()).contains("h1");
  }

  @Test
  void capacityUsesOvercommitRatios() {
    HostView full = host("h1", 4, 0);
    assertThat(planner.choose(vm(1, 128), List.of(full)).explanation())
        .isEqualTo("no host fits: h1: needs 1 vCPUs, 0 free");
    assertThat(new PlacementPlanner(2.0, 1.0).choose(vm(1, 128), List.of(full)).host())
        .contains("h1");
    assertThat(planner.choose(vm(1, 8192), List.of(host("h2", 0, 0))).explanation())
        .isEqualTo("no host fits: h2: needs 8192 MiB, 4096 MiB free");
  }

  @Test
  void emptyPoolExplainsItself() {
    assertThat(planner.choose(vm(1, 128), List.of()).explanation())
        .isEqualTo("the pool has no hosts");
  }

  @Test
  void forecastAwarePlacementPrefersTheHostForecastToBeQuietest() {
    // h2 has the most free allocation, but its VMs are forecast to keep its CPUs busy
    List<HostView> hosts = List.of(host("h1", 2, 1024), host("h2", 1, 512), host("h3", 3, 0));
    Map<String, Double> forecastCores = Map.of("h1", 1.0, "h2", 3.5, "h3", 0.5);
    assertThat(planner.chooseByForecast(vm(1, 512), hosts, forecastCores).host()).contains("h3");
    // without forecasts for any host it falls back to free allocation
    assertThat(planner.chooseByForecast(vm(1, 512), hosts, Map.of()).host()).contains("h2");
  }

  @Test
  void forecastAwarePlacementStillObeysTheRules() {
    HostView quietButFull = host("h1", 4, 0); // no vCPU left
    HostView busy = host("h2", 0, 0);
    var decision =
        planner.chooseByForecast(
            vm(1, 128), List.of(quietButFull, busy), Map.of("h1", 0.0, "h2", 3.9));
    assertThat(decision.host()).contains("h2");
  }
}
