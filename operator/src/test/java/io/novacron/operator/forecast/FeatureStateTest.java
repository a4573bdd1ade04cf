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
    float[] f = new float[FeatureState.ROW];
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

  /**
   * The online baselines' columns equal direct computations from the raw series: the means of the
   * last 30 and 90 samples (5 and 15 minutes at 10 s), and before a day has passed, the last value
   * where the typical value at the horizon's time of day will be.
   */
  @Test
  void movingAveragesAreTheMeansOfTheLastFiveAndFifteenMinutes() {
    java.util.Random random = new java.util.Random(8);
    FeatureState s = new FeatureState(10, 300);
    double[] series = new double[500];
    for (int t = 0; t < series.length; t++) {
      series[t] = random.nextDouble() * 100;
      s.add(NOON.plusSeconds(10L * t), series[t]);
      if (t == 10) {
        float[] early = features(s);
        assertThat(early[FeatureState.FEATURES + 1])
            .as("fewer than 15 minutes seen: the mean of all of them")
            .isCloseTo((float) (meanOfLast(series, t, 11) / 100), within(1e-6f));
      }
    }
    int last = series.length - 1;
    float[] f = features(s);
    assertThat(f[FeatureState.FEATURES])
        .isCloseTo((float) (meanOfLast(series, last, 30) / 100), within(1e-6f));
    assertThat(f[FeatureState.FEATURES + 1])
        .isCloseTo((float) (meanOfLast(series, last, 90) / 100), within(1e-6f));
    assertThat(f[FeatureState.FEATURES + 2]).as("no earlier day").isEqualTo(f[0]);
    assertThat(OnlineBaselines.forecast(4, f))
        .isCloseTo(meanOfLast(series, last, 30), within(1e-4));
    assertThat(OnlineBaselines.forecast(5, f))
        .isCloseTo(meanOfLast(series, last, 90), within(1e-4));
    assertThat(OnlineBaselines.forecast(6, f)).isCloseTo(series[last], within(1e-4));
  }

  @Test
  void belowOneSecondTheMovingAveragesCountTheLast300And900Samples() {
    FeatureState s = new FeatureState(0.1, 300);
    double[] series = new double[2000];
    for (int t = 0; t < series.length; t++) {
      series[t] = t % 7 * 10;
      s.add(NOON.plusMillis(100L * t), series[t]);
    }
    float[] f = features(s);
    int last = series.length - 1;
    assertThat(f[FeatureState.FEATURES])
        .isCloseTo((float) (meanOfLast(series, last, 300) / 100), within(1e-6f));
    assertThat(f[FeatureState.FEATURES + 1])
        .isCloseTo((float) (meanOfLast(series, last, 900) / 100), within(1e-6f));
  }

  private static double meanOfLast(double[] series, int end, int n) {
    double sum = 0;
    for (int i = end - n + 1; i <= end; i++) {
      sum += series[i];
    }
    return sum / n;
  }

  /** The seasonal baseline: the earlier days' mean of the 5-minute slot the horizon falls in. */
  @Test
  void theSeasonalLevelIsTheEarlierDaysMeanAtTheHorizonsSlot() {
    Instant midnight = Instant.parse("2026-11-20T00:00:00Z");
    FeatureState s = new FeatureState(10, 300);
    int perDay = 8640;
    for (int t = 0; t < 2 * perDay + 360; t++) { // two days, then to 00:59:50
      int slot = t % perDay / 30;
      int day = t / perDay;
      s.add(midnight.plusSeconds(10L * t), slot == 12 ? 20 + 40 * day : 50);
    }
    // at 00:59:50 (slot 11, 50 % every day) the horizon, 01:04:50, falls in slot 12: 20 % on day
    // one, 60 % on day two
    float[] f = features(s);
    assertThat(OnlineBaselines.forecast(6, f)).isCloseTo(40, within(1e-4));
    assertThat(f[FeatureState.TIME_OF_DAY + 2])
        .as("the typical day falls by 10 points over the horizon")
        .isCloseTo(-0.10f, within(1e-6f));
  }

  @Test
  void whereTheHorizonFallsInTheTypicalMinuteIsAnInput() {
    FeatureState s = new FeatureState(10, 300);
    for (long t = 0; t <= 7_200; t += 10) {
      s.add(NOON.plusSeconds(t), t % 60 == 0 ? 80 : 50); // busy at the top of every minute
    }
    assertThat(features(s)[FeatureState.TIME_OF_DAY + 3])
        .as("5 minutes from the top of a minute: 80 % against the minute's mean of 55 %")
        .isCloseTo(0.25f, within(1e-5f));
  }
}
