package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IntervalCalibrationTest {
  private static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");

  /**
   * Serves {@code checks} intervals of validated half-width {@code validated} around 50, each
   * checked a minute later against 50 plus noise of the given spread; returns the share held.
   */
  private static double heldShare(
      IntervalCalibration calibration, double validated, double noise, int checks, Random r) {
    int held = 0;
    for (int i = 0; i < checks; i++) {
      Instant at = T0.plusSeconds(60L * i);
      double[] served = calibration.serve(at.plusSeconds(60), 50, 50 - validated, 50 + validated);
      double actual = 50 + noise * r.nextGaussian();
      calibration.observe(at.plusSeconds(60), actual);
      held += actual >= served[0] && actual <= served[1] ? 1 : 0;
    }
    return (double) held / checks;
  }

  @Test
  void anIntervalTooNarrowForTheErrorsWidensUntilAboutEightyPercentHold() {
    IntervalCalibration calibration = new IntervalCalibration();
    Random r = new Random(1);
    // validated ±1, but the errors spread with σ 3: ±1 holds only ~26 %
    heldShare(calibration, 1, 3, 500, r);
    assertThat(heldShare(calibration, 1, 3, 5000, r)).isCloseTo(0.8, within(0.03));
    assertThat(calibration.scale()).isCloseTo(3 * 1.28, within(1.0)); // ±1.28 σ holds 80 %
  }

  @Test
  void anIntervalTooWideNarrows() {
    IntervalCalibration calibration = new IntervalCalibration();
    Random r = new Random(2);
    // validated ±3, but the errors spread with σ 1: ±3 holds ~99.7 %
    heldShare(calibration, 3, 1, 500, r);
    assertThat(heldShare(calibration, 3, 1, 5000, r)).isCloseTo(0.8, within(0.03));
    assertThat(calibration.scale()).isCloseTo(1.28 / 3, within(0.15));
  }

  @Test
  void theScaleStaysWithinItsBoundsAndIntervalsWithinZeroToHundred() {
    IntervalCalibration calibration = new IntervalCalibration();
    for (int i = 0; i < 1000; i++) {
      Instant at = T0.plusSeconds(60L * i);
      calibration.serve(at, 95, 94.0, 96.0);
      calibration.observe(at, 0); // always far outside
    }
    assertThat(calibration.scale()).isCloseTo(IntervalCalibration.MAX_SCALE, within(1e-9));
    double[] served = calibration.serve(T0, 95, 94.0, 96.0);
    assertThat(served[0]).isCloseTo(87, within(1e-9));
    assertThat(served[1]).isEqualTo(100);
  }

  @Test
  void withoutAValidatedIntervalNothingIsServedOrRemembered() {
    IntervalCalibration calibration = new IntervalCalibration();
    assertThat(calibration.serve(T0, 50, null, null)).isNull();
    calibration.observe(T0.plusSeconds(3600), 0);
    assertThat(calibration.scale()).isEqualTo(1.0);
  }

  @Test
  void intervalsAreCheckedOnlyWhenDue() {
    IntervalCalibration calibration = new IntervalCalibration();
    calibration.serve(T0.plusSeconds(300), 50, 49.0, 51.0);
    calibration.observe(T0.plusSeconds(299), 0);
    assertThat(calibration.scale()).isEqualTo(1.0);
    calibration.observe(T0.plusSeconds(300), 0);
    assertThat(calibration.scale()).isGreaterThan(1.0);
  }
}
