package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.novacron.operator.metrics.VmSample;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceTest {
  private static VmSample sample(Long used, Long available) {
    return new VmSample(
        "uid",
        Instant.EPOCH,
        37.5,
        List.of(37.5),
        used,
        available,
        1L << 30,
        null,
        3e6,
        1e6,
        10,
        5,
        999,
        0);
  }

  @Test
  void eachResourceReadsItsShareOfASample() {
    VmSample s = sample(500L, 2_000L);
    assertThat(Resource.CPU.percentOf(s)).isEqualTo(37.5);
    assertThat(Resource.MEMORY.percentOf(s)).isEqualTo(25.0);
    assertThat(Resource.NETWORK.percentOf(s)).isCloseTo(30.0, within(1e-9)); // 999 + 1 = 10^3
    assertThat(Resource.bytesPerSecond(Resource.DISK.percentOf(s)))
        .isCloseTo(4e6, within(1e-3)); // read + written
  }

  @Test
  void memoryTheGuestDoesNotReportIsUnknownNotZero() {
    assertThat(Resource.MEMORY.percentOf(sample(null, 2_000L))).isNaN();
    assertThat(Resource.MEMORY.percentOf(sample(500L, null))).isNaN();
    assertThat(Resource.MEMORY.percentOf(sample(500L, 0L))).isNaN();
  }

  @Test
  void throughputSpansNothingToTenGigabytesPerSecondOnTheLogScale() {
    assertThat(Resource.throughputPercent(0)).isZero();
    assertThat(Resource.throughputPercent(-5)).as("a counter glitch is no throughput").isZero();
    assertThat(Resource.throughputPercent(1e10 - 1)).isCloseTo(100, within(1e-9));
    for (double bytes : new double[] {0, 1, 512, 1.5e6, 7e9}) {
      assertThat(Resource.bytesPerSecond(Resource.throughputPercent(bytes)))
          .isCloseTo(bytes, within(bytes * 1e-9 + 1e-9));
    }
  }
}
