package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ResidualsTest {
  @Test
  void quantilesInterpolateBetweenTheSortedErrors() {
    Residuals r = new Residuals();
    for (int actual = 100; actual >= 0; actual--) { // 101 errors, -50 .. 50, added unsorted
      r.add(50, actual);
    }
    assertThat(r.quantile(0.1)).isCloseTo(-40, within(1e-6));
    assertThat(r.quantile(0.5)).isCloseTo(0, within(1e-6));
    assertThat(r.quantile(0.9)).isCloseTo(40, within(1e-6));
    r.add(50, 50.5f); // a new value after a read is sorted in too
    assertThat(r.quantile(0.5)).isCloseTo(0.25, within(1e-6));
  }

  @Test
  void theErrorIsAgainstTheForecastAsServedClippedToCapacity() {
    Residuals r = new Residuals();
    r.add(130, 90);
    r.add(-20, 5);
    assertThat(r.quantile(0)).isCloseTo(-10, within(1e-6));
    assertThat(r.quantile(1)).isCloseTo(5, within(1e-6));
  }

  @Test
  void noErrorsNoQuantile() {
    assertThat(new Residuals().quantile(0.9)).isNaN();
  }

  @Test
  void theIntervalIsTheForecastPlusTheErrorQuantilesWithinCapacity() {
    TrainedModel.Score score = new TrainedModel.Score(3, 0.9, -5.0, 8.0);
    assertThat(score.interval(50)).containsExactly(45, 58);
    assertThat(score.interval(95)).containsExactly(90, 100);
    assertThat(score.interval(2)).containsExactly(0, 10);
    assertThat(new TrainedModel.Score(3, 0.9).interval(50)).isNull();
  }
}
