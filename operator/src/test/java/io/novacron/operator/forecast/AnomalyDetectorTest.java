package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {
  private static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");
  private final AnomalyDetector detector = new AnomalyDetector();

  /** One forecast due at minute {@code m}, then the actual value at that minute. */
  private Optional<Boolean> check(int m, double forecast, double actual, Double error) {
    Instant due = T0.plusSeconds(60L * m);
    detector.expect(due, forecast, error);
    return detector.observe(due, actual);
  }

  @Test
  void sustainedDeviationBeyondTheBandRaisesItAndSustainedNormalityClearsIt() {
    for (int m = 0; m < AnomalyDetector.SUSTAINED - 1; m++) {
      assertThat(check(m, 20, 80, 2.0)).isEmpty();
    }
    assertThat(check(4, 20, 80, 2.0)).contains(true);
    assertThat(detector.lastDeviation()).contains("80.0 %", "20.0 %", "±10.0");
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
  void forecastsAreCheckedOnlyWhenDue() {
    detector.expect(T0.plusSeconds(300), 10, 1.0);
    for (int i = 0; i < 10; i++) {
      assertThat(detector.observe(T0.plusSeconds(i), 99)).isEmpty(); // not due yet
    }
    assertThat(detector.anomalous()).isFalse();
  }
}
