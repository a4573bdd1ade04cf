package io.novacron.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.novacron.operator.libvirt.DomainCounters;
import io.novacron.operator.libvirt.HostCounters;
import io.novacron.operator.libvirt.HostCpuTimes;
import io.novacron.operator.metrics.KnownHosts.PoolHost;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateCalculatorTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static DomainCounters counters(
      int runId, long seconds, long cpuNanos, long[] vcpuNanos, long disk, long net) {
    return new DomainCounters(
        "vm",
        runId,
        T0.plusSeconds(seconds),
        cpuNanos,
        vcpuNanos,
        262144,
        65536,
        250000,
        180000,
        disk,
        disk / 2,
        disk / 4096,
        disk / 8192,
        net,
        net / 2);
  }

  @Test
  void ratesComeFromCounterDifferences() {
    DomainCounters before = counters(7, 0, 0, new long[] {0, 0}, 0, 0);
    DomainCounters after =
        counters(7, 10, 10_000_000_000L, new long[] {8_000_000_000L, 2_000_000_000L}, 40960, 1000);

    VmSample s = RateCalculator.rates(before, after).orElseThrow();

    assertThat(s.cpuPercent()).isCloseTo(50.0, within(1e-9)); // 10 s of CPU over 2 vCPUs x 10 s
    assertThat(s.vcpuPercent()).containsExactly(80.0, 20.0);
    assertThat(s.diskReadBytesPerSecond()).isCloseTo(4096.0, within(1e-9));
    assertThat(s.diskReadOpsPerSecond()).isCloseTo(1.0, within(1e-9));
    assertThat(s.networkRxBytesPerSecond()).isCloseTo(100.0, within(1e-9));
    assertThat(s.memoryUsedBytes()).isEqualTo((250000L - 65536L) * 1024);
    assertThat(s.memoryAvailableBytes()).isEqualTo(250000L * 1024);
    assertThat(s.memoryBalloonBytes()).isEqualTo(262144L * 1024);
    assertThat(s.memoryRssBytes()).isEqualTo(180000L * 1024);
  }

  @Test
  void noSampleWithoutAPreviousReadingOrAcrossARestart() {
    DomainCounters after = counters(7, 10, 5_000_000_000L, new long[] {5_000_000_000L}, 0, 0);
    assertThat(RateCalculator.rates(null, after)).isEmpty();
    DomainCounters beforeRestart =
        counters(6, 0, 900_000_000_000L, new long[] {900_000_000_000L}, 1 << 30, 1 << 30);
    assertThat(RateCalculator.rates(beforeRestart, after)).as("new run ID").isEmpty();
  }

  @Test
  void countersThatWentBackwardsNeverGiveNegativeRates() {
    DomainCounters before = counters(7, 0, 5_000_000_000L, new long[] {5_000_000_000L}, 1000, 1000);
    DomainCounters reset = counters(7, 10, 1_000_000_000L, new long[] {1_000_000_000L}, 0, 0);
    assertThat(RateCalculator.rates(before, reset)).isEmpty();
    assertThat(
            RateCalculator.rates(
                before, counters(7, 0, 6_000_000_000L, new long[] {1}, 1000, 1000)))
        .as("no time passed")
        .isEmpty();
  }

  @Test
  void memoryUsedIsTheGuestsViewEvenWhenTheBalloonIsSmallerThanItsTotal() {
    // 256 MiB guest ballooned down to 128 MiB: the guest still counts 218 MiB total, 190 free
    DomainCounters before = counters(7, 0, 0, new long[] {0}, 0, 0);
    DomainCounters after =
        new DomainCounters(
            "vm",
            7,
            T0.plusSeconds(10),
            0,
            new long[] {0},
            131072,
            194560,
            223232,
            150000,
            0,
            0,
            0,
            0,
            0,
            0);
    VmSample s = RateCalculator.rates(before, after).orElseThrow();
    assertThat(s.memoryUsedBytes()).isEqualTo((223232L - 194560L) * 1024).isPositive();
  }

  @Test
  void cpuIsClampedAndUnreportedMemoryIsNull() {
    DomainCounters before = counters(7, 0, 0, new long[] {0}, 0, 0);
    DomainCounters after =
        new DomainCounters(
            "vm",
            7,
            T0.plusSeconds(1),
            3_000_000_000L,
            new long[] {3_000_000_000L},
            131072,
            -1,
            -1,
            -1,
            0,
            0,
            0,
            0,
            0,
            0);
    VmSample s = RateCalculator.rates(before, after).orElseThrow();
    assertThat(s.cpuPercent()).isEqualTo(100.0);
    assertThat(s.vcpuPercent()).containsExactly(100.0);
    assertThat(s.memoryUsedBytes()).isNull();
    assertThat(s.memoryAvailableBytes()).isNull();
    assertThat(s.memoryBalloonBytes()).isEqualTo(131072L * 1024);
    assertThat(s.memoryRssBytes()).as("libvirt reported no RSS").isNull();
  }

  private static final PoolHost HOST = new PoolHost("pool", "h1", "qemu:///system");

  private static HostCounters host(long seconds, HostCpuTimes cpu) {
    return new HostCounters(HOST.uri(), T0.plusSeconds(seconds), cpu, 1L << 30, 4L << 30);
  }

  @Test
  void hostCpuIsBusyTimeOverAllTimeBetweenTwoReadings() {
    HostSample s =
        RateCalculator.hostRates(
            host(0, new HostCpuTimes(1_000, 10_000)),
            host(10, new HostCpuTimes(4_000, 20_000)),
            HOST);
    assertThat(s.cpuPercent()).isCloseTo(30.0, within(1e-9));
    assertThat(s.pool()).isEqualTo("pool");
    assertThat(s.host()).isEqualTo("h1");
    assertThat(s.memoryFreeBytes()).isEqualTo(1L << 30);
    assertThat(s.memoryTotalBytes()).isEqualTo(4L << 30);
  }

  @Test
  void aRebootedHostOrOneWithoutCpuTimesGetsNoCpuButKeepsItsMemory() {
    HostSample rebooted =
        RateCalculator.hostRates(
            host(0, new HostCpuTimes(9_000, 90_000)), host(10, new HostCpuTimes(10, 100)), HOST);
    assertThat(rebooted.cpuPercent()).isNull();
    HostSample noTimes = RateCalculator.hostRates(host(0, null), host(10, null), HOST);
    assertThat(noTimes.cpuPercent()).isNull();
    assertThat(noTimes.memoryTotalBytes()).isEqualTo(4L << 30);
  }
}
