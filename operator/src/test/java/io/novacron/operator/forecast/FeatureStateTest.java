package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FeatureStateTest {
  private static final Instant NOON = Instant.parse("2026-11-22T12:00:00Z");

  @Test
  void aSteadySeriesHasItsLevelAndNoChangeSpreadOrTrend() {
    FeatureState s = new FeatureState(10, 300);
    for (int i = 0; i < 1000; i++) {
      s.add(NOON.plusSeconds(10L * i), 40);
    }
    float[] f = features(s);
    assertThat(f[0]).isCloseTo(0.40f, within(1e-6f));
    for (int i = 1; i <= 7; i++) {
      assertThat(f[i]).as("feature %d", i).isCloseTo(0f, within(1e-6f));
    }
  }

  @Test
  void aStepUpShowsInTheShortAveragesBeforeTheLongOnes() {
    FeatureState s = new FeatureState(10, 300);
    for (int i = 0; i < 720; i++) {
      s.add(NOON.plusSeconds(10L * i), i < 700 ? 20 : 60);
    }
    float[] f = features(s);
    assertThat(f[0]).isCloseTo(0.60f, within(1e-6f));
    // last minus the 1-minute, 10-minute and 1-hour means: the slower, the larger the gap
    assertThat(f[2]).isPositive().isLessThan(f[3]);
    assertThat(f[3]).isLessThan(f[4]);
    assertThat(f[5]).as("1 min above 10 min").isPositive();
    assertThat(f[7]).as("spread over 10 minutes").isPositive();
  }

  @Test
  void missingValuesLeaveTheFeaturesAsTheyWere() {
    FeatureState s = new FeatureState(10, 300);
    s.add(NOON, 30);
    s.add(NOON.plusSeconds(10), 50);
    float[] before = features(s);
    s.add(NOON.plusSeconds(20), Double.NaN);
    assertThat(features(s)).containsExactly(before);
    assertThat(s.lastPercent()).isCloseTo(50, within(1e-9));
  }

  @Test
  void timeOfDayIsOnTheUnitCircle() {
    FeatureState s = new FeatureState(10, 300);
    s.add(Instant.parse("2026-11-22T06:00:00Z"), 10);
    float[] f = features(s);
    assertThat(f[8]).isCloseTo(1f, within(1e-6f)); // a quarter of the day: sin = 1
    assertThat(f[9]).isCloseTo(0f, within(1e-6f));
  }

  private static float[] features(FeatureState s) {
    float[] f = new float[FeatureState.FEATURES];
    s.features(f, 0);
    return f;
  }

  /**
   * The incremental features equal the same quantities computed directly from the whole series: an
   * exponentially weighted mean is the weighted sum of every value seen, newest weighted most.
   */
  @Test
  void incrementalFeaturesEqualADirectComputationFromTheRawSeries() {
    double step = 10;
    java.util.Random random = new java.util.Random(5);
    double[] series = new double[2000];
    FeatureState s = new FeatureState(step, 300);
    for (int t = 0; t < series.length; t++) {
      series[t] = 50 + 30 * Math.sin(t / 40.0) + random.nextGaussian() * 5;
      s.add(NOON.plusSeconds((long) (t * step)), series[t]);
    }
    float[] f = features(s);
    int n = series.length - 1;
    double last = series[n] / 100;
    assertThat(f[0]).isCloseTo((float) last, within(1e-6f));
    assertThat(f[1]).isCloseTo((float) (last - series[n - 1] / 100), within(1e-6f));
    double[] timeConstants = {60, 600, 3600};
    for (int k = 0; k < 3; k++) {
      double alpha = 1 - Math.exp(-step / timeConstants[k]);
      assertThat(f[2 + k])
          .as("last minus the mean over %s s", timeConstants[k])
          .isCloseTo((float) (last - directEwma(series, alpha)), within(1e-5f));
    }
  }

  /** Σ α(1-α)^(n-i) x_i over i ≥ 1, plus (1-α)^n x_0 for the first value the mean started at. */
  private static double directEwma(double[] series, double alpha) {
    int n = series.length - 1;
    double sum = Math.pow(1 - alpha, n) * series[0] / 100;
    for (int i = 1; i <= n; i++) {
      sum += alpha * Math.pow(1 - alpha, n - i) * series[i] / 100;
    }
    return sum;
  }
}
