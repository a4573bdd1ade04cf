package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class BaselinesTest {
  private static final double NA = Double.NaN;

  @Test
  void lastValueCarriesTheNewestPresentValueOverGaps() {
    assertThat(Baselines.lastValue(new double[] {NA, 10, NA, 30})).containsExactly(NA, 10, 10, 30);
  }

  @Test
  void movingAverageSkipsMissingValuesInItsWindow() {
    double[] ma = Baselines.movingAverage(new double[] {10, 20, NA, 40, 50}, 3);
    assertThat(ma[0]).isEqualTo(10);
    assertThat(ma[1]).isEqualTo(15);
    assertThat(ma[2]).isEqualTo(15); // 10, 20 and a gap
    assertThat(ma[3]).isEqualTo(30); // 20, gap, 40
    assertThat(ma[4]).isEqualTo(45); // gap, 40, 50
  }

  @Test
  void ewmaWeighsTheNewestValueByAlpha() {
    double[] e = Baselines.ewma(new double[] {10, 20, NA, 40}, 0.5);
    assertThat(e).containsExactly(10, 15, 15, 27.5);
  }

  @Test
  void seasonalNaiveLooksOnePeriodBackFromTheForecastTime() {
    double[] values = {1, 2, 3, 4, 5, 6};
    double[] s = Baselines.seasonalNaive(values, 1, 4);
    assertThat(s[0]).isNaN();
    assertThat(s[2]).isNaN();
    assertThat(s[3]).isEqualTo(1); // forecast of t=4 is the value at t=0
    assertThat(s[4]).isEqualTo(2);
  }

  @Test
  void bestIsTheCandidateWithTheLowestErrorOverTheGivenOrigins() {
    double[] values = {0, 10, 20, 30, 40, 50};
    var exact = new Baselines.Baseline("exact", new double[] {10, 20, 30, 40, 50, NA});
    var late = new Baselines.Baseline("late", Baselines.lastValue(values));
    assertThat(Baselines.best(List.of(late, exact), values, 1, 0, 5).name()).isEqualTo("exact");
  }

  @Test
  void errorFiguresMatchTheirDefinitions() {
    ForecastError e = new ForecastError();
    e.add(20, 10); // error 10, same bucket (0-25)
    e.add(60, 40); // error 20, buckets differ
    e.add(130, 90); // clipped to 100: error 10, same bucket (75-100)
    assertThat(e.count()).isEqualTo(3);
    assertThat(e.meanAbsoluteError()).isCloseTo(40.0 / 3, within(1e-9));
    assertThat(e.oneMinusWape()).isCloseTo(1 - 40.0 / 140, within(1e-9));
    assertThat(e.bucketAccuracy()).isCloseTo(2.0 / 3, within(1e-9));
  }

  @Test
  void noForecastsMeansNoFigures() {
    ForecastError e = new ForecastError();
    assertThat(e.meanAbsoluteError()).isNaN();
    assertThat(e.oneMinusWape()).isNaN();
    assertThat(e.bucketAccuracy()).isNaN();
  }
}
