package io.novacron.operator.nodepool;

import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.crds.nodepool.HostStatus;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.policy.TestVms;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolOutlookTest {
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final long GIB = 1L << 30;

  private static HostStatus host(String name, boolean ready, int cpus, long memoryMiB) {
    HostStatus h = new HostStatus();
    h.name = name;
    h.ready = ready;
    h.capacity = new HostStatus.Resources(cpus, memoryMiB);
    return h;
  }

  /** A VM with 2 vCPUs on {@code host}: CPU and memory now, and forecast 5 minutes ahead. */
  private static VirtualMachine vm(
      String host, double cpuNow, double cpuAhead, long bytesNow, long bytesAhead) {
    VirtualMachine vm = TestVms.vm("ns", "vm-" + host + cpuNow, "pool");
    vm.setStatus(new VirtualMachineStatus());
    vm.getStatus().host = host;
    vm.getStatus().resources = new VirtualMachineStatus.Resources(2, 1024);
    vm.getStatus().usage = new VirtualMachineStatus.Usage();
    vm.getStatus().usage.cpuPercent = cpuNow;
    vm.getStatus().usage.memoryUsedBytes = bytesNow;
    vm.getStatus().forecast = new VirtualMachineStatus.Forecast();
    vm.getStatus().forecast.cpuPercent.add(cpuAhead);
    vm.getStatus().forecast.memoryBytes.add(bytesAhead);
    vm.getStatus().forecast.horizonSeconds = 300L;
    return vm;
  }

  @Test
  void eachHostGetsTheForecastOfTheVmsOnIt() {
    List<HostStatus> hosts = List.of(host("h1", true, 4, 8192), host("h2", true, 8, 8192));
    PoolOutlook.forecastHosts(
        hosts, List.of(vm("h1", 10, 50, GIB, 2 * GIB), vm("h2", 10, 100, GIB, GIB)));
    assertThat(hosts.get(0).forecastCpuPercent).isEqualTo(25.0); // 1 core of 4
    assertThat(hosts.get(0).forecastMemoryMiB).isEqualTo(2048);
    assertThat(hosts.get(1).forecastCpuPercent).isEqualTo(25.0); // 2 cores of 8
  }

  @Test
  void imbalanceIsTheSpreadOfForecastUtilisationOverUsableHosts() {
    HostStatus busy = host("busy", true, 4, 8192);
    HostStatus idle = host("idle", true, 4, 8192);
    HostStatus down = host("down", false, 4, 8192);
    HostStatus draining = host("draining", true, 4, 8192);
    draining.maintenance = true;
    List<HostStatus> hosts = List.of(busy, idle, down, draining);
    assertThat(PoolOutlook.imbalance(hosts)).isEmpty(); // no forecasts yet

    // busy: 3 cores of 4 (75 %), idle: none (0 %); the other two would pull the spread down
    PoolOutlook.forecastHosts(
        hosts,
        List.of(
            vm("busy", 100, 100, GIB, GIB),
            vm("busy", 50, 50, GIB, GIB),
            vm("down", 100, 100, GIB, GIB),
            vm("draining", 100, 100, GIB, GIB)));
    assertThat(busy.forecastCpuPercent).isEqualTo(75.0);
    assertThat(PoolOutlook.imbalance(hosts)).hasValue(0.375); // mean 0.375, both 0.375 from it

    PoolOutlook.forecastHosts(
        hosts, List.of(vm("busy", 50, 50, GIB, GIB), vm("idle", 50, 50, GIB, GIB)));
    assertThat(PoolOutlook.imbalance(hosts)).hasValue(0.0);
  }

  @Test
  void cpuGrowingAtItsForecastRateRunsOutWhenTheTrendReachesCapacity() {
    // 4 cores; 2 in use now, 2.5 in 5 minutes: 0.1 core a minute, 2 cores left: 20 minutes
    List<HostStatus> hosts = List.of(host("h1", true, 4, 1 << 20));
    var e = PoolOutlook.exhaustion(hosts, List.of(vm("h1", 100, 125, GIB, GIB)), NOW);
    assertThat(e)
        .hasValueSatisfying(
            x -> {
              assertThat(x.resource()).isEqualTo("cpu");
              assertThat(x.at()).isEqualTo(NOW.plusSeconds(1200));
            });
  }

  @Test
  void memoryWhenItRunsOutFirst() {
    // 4 GiB; 3 GiB now, 3.5 GiB in 5 minutes: 10 minutes left; CPU flat
    List<HostStatus> hosts = List.of(host("h1", true, 4, 4096));
    var e = PoolOutlook.exhaustion(hosts, List.of(vm("h1", 50, 50, 3 * GIB, 7 * GIB / 2)), NOW);
    assertThat(e)
        .hasValueSatisfying(
            x -> {
              assertThat(x.resource()).isEqualTo("memory");
              assertThat(x.at()).isEqualTo(NOW.plusSeconds(600));
            });
  }

  @Test
  void flatOrFallingUsageOrATrendBeyondADayRunsOutNever() {
    List<HostStatus> hosts = List.of(host("h1", true, 64, 1 << 20));
    assertThat(PoolOutlook.exhaustion(hosts, List.of(vm("h1", 50, 40, GIB, GIB)), NOW)).isEmpty();
    // +0.02 cores in 5 minutes with 63 free: years away
    assertThat(PoolOutlook.exhaustion(hosts, List.of(vm("h1", 50, 51, GIB, GIB)), NOW)).isEmpty();
  }

  @Test
  void alreadyOverCapacityIsNowAndHostsNotReadyDoNotCount() {
    List<HostStatus> hosts = List.of(host("h1", true, 1, 1 << 20), host("h2", false, 64, 1 << 20));
    var e = PoolOutlook.exhaustion(hosts, List.of(vm("h1", 100, 100, GIB, GIB)), NOW);
    assertThat(e).hasValueSatisfying(x -> assertThat(x.at()).isEqualTo(NOW));
  }

  @Test
  void vmsWithoutAForecastGiveNoOutlook() {
    VirtualMachine unsampled = vm("h1", 10, 10, GIB, GIB);
    unsampled.getStatus().forecast = null;
    List<HostStatus> hosts = List.of(host("h1", true, 4, 4096));
    assertThat(PoolOutlook.exhaustion(hosts, List.of(unsampled), NOW)).isEmpty();
    PoolOutlook.forecastHosts(hosts, List.of(unsampled));
    assertThat(hosts.get(0).forecastCpuPercent).isZero();
  }
}
