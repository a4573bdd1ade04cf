package io.novacron.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsagePublisherTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration REFRESH = Duration.ofSeconds(60);

  private static VmSample sample(long secondsLater, double cpu, Long memory) {
    return sample(secondsLater, cpu, memory, 1L << 30, 300_000_000L);
  }

  private static VmSample sample(
      long secondsLater, double cpu, Long memory, long balloon, Long resident) {
    return new VmSample(
        "vm",
        T0.plusSeconds(secondsLater),
        cpu,
        List.of(cpu),
        memory,
        null,
        balloon,
        resident,
        0,
        0,
        0,
        0,
        0,
        0);
  }

  @Test
  void firstSampleIsWrittenThenOnlySignificantChangesOrAfterTheRefreshInterval() {
    VmSample last = sample(0, 20.0, 100_000_000L);
    assertThat(UsagePublisher.worthWriting(null, last, REFRESH)).isTrue();
    assertThat(UsagePublisher.worthWriting(last, sample(10, 25.0, 105_000_000L), REFRESH))
        .as("small change within the interval")
        .isFalse();
    assertThat(UsagePublisher.worthWriting(last, sample(10, 31.0, 100_000_000L), REFRESH))
        .as("CPU moved 11 points")
        .isTrue();
    assertThat(UsagePublisher.worthWriting(last, sample(10, 20.0, 111_000_000L), REFRESH))
        .as("memory moved 11 %")
        .isTrue();
    assertThat(UsagePublisher.worthWriting(last, sample(60, 20.0, 100_000_000L), REFRESH))
        .as("refresh interval passed")
        .isTrue();
    assertThat(UsagePublisher.worthWriting(last, sample(10, 20.0, null), REFRESH))
        .as("memory stopped being reported")
        .isTrue();
  }

  @Test
  void residentMemoryAndBalloonChangesCountEvenWithoutTheGuestsFigures() {
    VmSample last = sample(0, 20.0, null, 1L << 30, 300_000_000L);
    assertThat(
            UsagePublisher.worthWriting(
                last, sample(10, 20.0, null, 1L << 30, 315_000_000L), REFRESH))
        .as("resident memory moved 5 %")
        .isFalse();
    assertThat(
            UsagePublisher.worthWriting(
                last, sample(10, 20.0, null, 1L << 30, 333_000_000L), REFRESH))
        .as("resident memory moved 11 %")
        .isTrue();
    assertThat(UsagePublisher.worthWriting(last, sample(10, 20.0, null, 1L << 30, null), REFRESH))
        .as("resident memory stopped being reported")
        .isTrue();
    assertThat(
            UsagePublisher.worthWriting(
                last, sample(10, 20.0, null, 3L << 28, 300_000_000L), REFRESH))
        .as("balloon resized")
        .isTrue();
  }

  @Test
  void statusUsageIsRounded() {
    var u = UsagePublisher.usage(sample(0, 12.3456, 42L));
    assertThat(u.cpuPercent).isEqualTo(12.3);
    assertThat(u.vcpuPercent).containsExactly(12.3);
    assertThat(u.memoryUsedBytes).isEqualTo(42L);
    assertThat(u.memoryBalloonBytes).isEqualTo(1L << 30);
    assertThat(u.memoryRssBytes).isEqualTo(300_000_000L);
    assertThat(u.sampledAt).isEqualTo("2026-01-01T00:00:00Z");
  }
}
