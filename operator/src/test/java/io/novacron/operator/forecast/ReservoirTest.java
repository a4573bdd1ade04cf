package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReservoirTest {
  /** The items a reservoir of {@code capacity} keeps of 0, 1, ... {@code count - 1}. */
  private static List<Integer> sample(int capacity, int count) {
    Reservoir r = new Reservoir(capacity, 42);
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int slot = r.offer();
      if (slot == kept.size()) {
        kept.add(i);
      } else if (slot >= 0) {
        kept.set(slot, i);
      }
    }
    assertThat(r.seen()).isEqualTo(count);
    assertThat(r.size()).isEqualTo(kept.size());
    return kept;
  }

  @Test
  void belowItsCapacityItKeepsEverythingInOrder() {
    assertThat(sample(10, 7)).containsExactly(0, 1, 2, 3, 4, 5, 6);
  }

  /**
   * A thousand of a hundred thousand: distinct items spread over the whole stream (each tenth holds
   * about a hundred of them, the mean near the middle), not its start or its end.
   */
  @Test
  void aboveItsCapacityItKeepsAUniformSampleOfTheWholeStream() {
    List<Integer> kept = sample(1_000, 100_000);
    assertThat(kept).hasSize(1_000).doesNotHaveDuplicates();
    int[] perTenth = new int[10];
    kept.forEach(i -> perTenth[i / 10_000]++);
    assertThat(IntStream.of(perTenth).boxed()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
    // the mean of 1,000 uniform draws from 0-99,999 has a standard deviation of ~913
    assertThat(kept.stream().mapToInt(i -> i).average().orElseThrow())
        .isBetween(47_000.0, 53_000.0);
  }

  @Test
  void aReservoirHoldsAtLeastOneItem() {
    assertThatThrownBy(() -> new Reservoir(0, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Training rows kept flat stay whole: every row of the sample has the inputs and the change it
   * was offered with, below the capacity in order, above it replaced in place; sized for the rows
   * expected they are never copied to grow, and more rows than expected still fit.
   */
  @Test
  void trainingRowsKeepEachRowsInputsWithItsChange() {
    TrainingRows below = new TrainingRows(5_000, 1, 3_000);
    TrainingRows above = new TrainingRows(1_500, 1, 0);
    TrainingRows moreThanExpected = new TrainingRows(5_000, 1, 100);
    for (int i = 0; i < 3_000; i++) {
      float[] row = new float[FeatureState.ROW];
      for (int j = 0; j < row.length; j++) {
        row[j] = i + j / 100f;
      }
      below.add(row, -i);
      above.add(row, -i);
      moreThanExpected.add(row, -i);
    }
    float[] lastValues = new float[above.size()];
    for (int k = 0; k < lastValues.length; k++) {
      lastValues[k] = above.lastValue(k);
    }
    int width = FeatureState.FEATURES;
    MlpForecaster.TrainingSet all = below.takeTrainingSet();
    assertThat(all.size()).isEqualTo(3_000);
    assertThat(all.features()).hasSize(3_000 * width);
    assertThat(all.features()[2_999 * width]).isEqualTo(2_999f);
    assertThat(all.features()[2_999 * width + 1]).isEqualTo(2_999.01f);
    MlpForecaster.TrainingSet grown = moreThanExpected.takeTrainingSet();
    assertThat(grown.size()).isEqualTo(3_000);
    assertThat(grown.changes()).hasSizeGreaterThanOrEqualTo(3_000); // doubled from 100, untrimmed
    assertThat(grown.features()[2_999 * width + 1]).isEqualTo(2_999.01f);
    assertThat(grown.changes()[2_999]).isEqualTo(-2_999f);
    MlpForecaster.TrainingSet sampled = above.takeTrainingSet();
    assertThat(sampled.size()).isEqualTo(1_500);
    assertThat(sampled.features()).hasSize(1_500 * width);
    assertThat(above.seen()).isEqualTo(3_000);
    for (int k = 0; k < sampled.size(); k++) {
      float i = -sampled.changes()[k];
      assertThat(sampled.features()[k * width]).isEqualTo(i).isEqualTo(lastValues[k]);
      assertThat(sampled.features()[k * width + width - 1]).isEqualTo(i + (width - 1) / 100f);
    }
    assertThatThrownBy(() -> above.add(new float[FeatureState.ROW], 0))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> above.lastValue(0)).isInstanceOf(IllegalStateException.class);
  }
}
