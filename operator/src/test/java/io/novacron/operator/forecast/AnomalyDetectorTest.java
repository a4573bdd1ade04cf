package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.operator.forecast.Forecaster.Prediction;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {
  private static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");
  private final AnomalyDetector detector = new AnomalyDetector();

  /**
   * One forecast without an interval (validation error only) due at minute {@code m}, then the
   * actual value at that minute.
   */
  private Optional<Boolean> check(int m, double forecast, double actual, Double error) {
    return check(m, new Prediction(forecast, "model", "1", error, null, null), actual);
  }

  private Optional<Boolean> check(int m, Prediction forecast, double actual) {
    Instant due = T0.plusSeconds(60L * m);
    detector.expect(due, forecast);
    return detector.observe(due, actual);
  }

  private static Prediction withInterval(double forecast, double low, double high) {
    return new Prediction(forecast, "model", "1", 2.0, low, high);
  }

  @Test
  void sustainedDeviationBeyondTheBandRaisesItAndSustainedNormalityClearsIt() {
    for (int m = 0; m < AnomalyDetector.SUSTAINED - 1; m++) {
      assertThat(check(m, 20, 80, 2.0)).isEmpty();
    }
    assertThat(check(4, 20, 80, 2.0)).contains(true);
    assertThat(detector.lastDeviation()).contains("80.0 %", "20.0 %", "band 10.0-30.0 %");
    for (int m = 5; m < 5 + AnomalyDetector.SUSTAINED - 1; m++) {
      assertThat(check(m, 20, 22, 2.0)).isEmpty();
      assertThat(detector.anomalous()).isTrue();
    }
    assertThat(check(9, 20, 22, 2.0)).contains(false);
  }

  @Test
  void aSingleSpikeOrAnImprecisePredictorRaisesNothing() {
    for (int m = 0; m < 20; m++) {
      double actual = m == 7 ? 95 : 20 + (m % 2 == 0 ? 9 : -9); // within the 10-point band
      assertThat(check(m, 20, actual, 1.0)).isEmpty();
    }
    assertThat(detector.anomalous()).isFalse();
  }

  @Test
  void theBandWidensWithThePredictorsValidationError() {
    // error 8 points: band 24; deviations of 20 are inside it
    for (int m = 0; m < 10; m++) {
      assertThat(check(m, 40, 60, 8.0)).isEmpty();
    }
    assertThat(detector.anomalous()).isFalse();
  }

  @Test
  void withAnIntervalTheBandIsTwiceItAndAsLopsided() {
    // interval 17-30 around 20: band 10-40 (below: twice 3 is under the 10-point floor)
    Prediction forecast = withInterval(20, 17, 30);
    for (int m = 0; m < 10; m++) {
      assertThat(check(m, forecast, 38)).isEmpty(); // 18 above: inside
    }
    for (int m = 10; m < 10 + AnomalyDetector.SUSTAINED - 1; m++) {
      assertThat(check(m, forecast, 8)).isEmpty(); // 12 below: outside
    }
    assertThat(check(14, forecast, 8)).contains(true);
    assertThat(detector.lastDeviation()).contains("8.0 %", "band 10.0-40.0 %");
    for (int m = 15; m < 15 + AnomalyDetector.SUSTAINED - 1; m++) {
      assertThat(check(m, forecast, 41)).isEmpty(); // above the band: still anomalous
    }
    assertThat(detector.anomalous()).isTrue();
  }

  @Test
  void aWideIntervalWidensTheBandBeyondThreeValidationErrors() {
    // validation error 2 (old band ±10), but the errors spread: interval 25-55, band 10-70
    for (int m = 0; m < 10; m++) {
      assertThat(check(m, withInterval(40, 25, 55), 65)).isEmpty();
    }
    assertThat(detector.anomalous()).isFalse();
  }

  @Test
  void forecastsAreCheckedOnlyWhenDue() {
    detector.expect(T0.plusSeconds(300), new Prediction(10, "model", "1", 1.0, null, null));
    for (int i = 0; i < 10; i++) {
      assertThat(detector.observe(T0.plusSeconds(i), 99)).isEmpty(); // not due yet
    }
    assertThat(detector.anomalous()).isFalse();
  }
}
