package io.novacron.operator.nodepool;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.novacron.crds.nodepool.HostStatus;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.nodepool.NodePoolStatus.MoveRecommendation;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.operator.testing.SettableClock;
import io.novacron.policy.TestVms;
import io.novacron.policy.testing.MockApi;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Recommendations from the VMs' forecasts into pool and VM status, on the mock API. */
class PoolRebalancerTest {
  private static final String NS = "rb";
  private static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");
  private MockApi api;
  private KubernetesClient client;
  private final SettableClock clock = new SettableClock(T0);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final PoolRebalancer rebalancer = new PoolRebalancer(clock, meters);
  private NodePool pool;
  private final List<HostStatus> hosts = List.of(host("busy"), host("idle"));

  @BeforeEach
  void start() {
    api = MockApi.start();
    client = api.client();
    pool = TestVms.pool("p", "busy", "test:///default", "idle", "test:///default");
    pool.getSpec().rebalancing.interval = "5m";
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static HostStatus host(String name) {
    HostStatus h = new HostStatus();
    h.name = name;
    h.ready = true;
    h.capacity = new HostStatus.Resources(2, 16_384);
    h.allocated = new HostStatus.Resources(0, 0);
    return h;
  }

  /** A 1-vCPU VM on {@code host} forecast at {@code cpu} % of it. */
  private VirtualMachine vm(String name, String host, double cpu) {
    VirtualMachine created = client.resource(TestVms.vm(NS, name, "p")).create();
    created.setStatus(new VirtualMachineStatus());
    created.getStatus().host = host;
    created.getStatus().forecast = new VirtualMachineStatus.Forecast();
    created.getStatus().forecast.cpuPercent.add(cpu);
    created.getStatus().forecast.horizonSeconds = 300L;
    return client.resource(created).updateStatus();
  }

  private VirtualMachineStatus.Recommendation recommendationOf(String name) {
    return client
        .resources(VirtualMachine.class)
        .inNamespace(NS)
        .withName(name)
        .get()
        .getStatus()
        .recommendation;
  }

  @Test
  void anOverloadedHostGetsAMoveRecommendedToThePoolAndTheVmAndItClearsWhenTheLoadDrops() {
    List<VirtualMachine> placed = new ArrayList<>();
    placed.add(vm("a", "busy", 100));
    placed.add(vm("b", "busy", 90));
    List<MoveRecommendation> recs =
        rebalancer.recommend(pool, hosts, placed, List.of(), Map.of(), client);
    assertThat(recs)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.fromHost).isEqualTo("busy");
              assertThat(r.toHost).isEqualTo("idle");
              assertThat(r.reason).contains("ceiling");
              assertThat(r.expectedGain).isPositive();
            });
    assertThat(meters.get("novacron.rebalance.recommendations").counter().count()).isEqualTo(1);
    String moved = recs.get(0).vm.substring(NS.length() + 1);
    assertThat(recommendationOf(moved).targetHost).isEqualTo("idle");
    assertThat(recommendationOf(moved).generatedAt).isEqualTo(T0.toString());

    // within the interval the same recommendations stand, whatever the load does
    clock.set(T0.plusSeconds(60));
    assertThat(rebalancer.recommend(pool, hosts, reload(), recs, Map.of(), client)).isEqualTo(recs);

    // next interval, the load has dropped: nothing to recommend, and the VM's is cleared
    clock.set(T0.plusSeconds(301));
    List<VirtualMachine> calm = new ArrayList<>();
    for (VirtualMachine vm : reload()) {
      vm.getStatus().forecast.cpuPercent.set(0, 1.0);
      calm.add(client.resource(vm).updateStatus());
    }
    assertThat(rebalancer.recommend(pool, hosts, calm, recs, Map.of(), client)).isEmpty();
    assertThat(recommendationOf(moved)).isNull();
  }

  @Test
  void aVmBeingMovedIsNotRecommendedAndItsLoadCountsOnTheHostItGoesTo() {
    VirtualMachine leaving = vm("a", "busy", 100);
    VirtualMachine left = vm("b", "busy", 90);
    // counted on "busy" the two would overload it and "b" would be sent away
    assertThat(
            rebalancer.recommend(
                pool,
                hosts,
                List.of(leaving, left),
                List.of(),
                Map.of(NS + "/a", Optional.of("idle")),
                client))
        .isEmpty();
    assertThat(recommendationOf("a")).isNull();
    assertThat(recommendationOf("b")).isNull();
  }

  @Test
  void vmsWithoutAForecastAreNeverRecommended() {
    VirtualMachine quiet = client.resource(TestVms.vm(NS, "quiet", "p")).create();
    quiet.setStatus(new VirtualMachineStatus());
    quiet.getStatus().host = "busy";
    quiet = client.resource(quiet).updateStatus();
    assertThat(rebalancer.recommend(pool, hosts, List.of(quiet), List.of(), Map.of(), client))
        .isEmpty();
  }

  private List<VirtualMachine> reload() {
    return client.resources(VirtualMachine.class).inNamespace(NS).list().getItems();
  }
}
