package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReservoirTest {
  @Test
  void belowItsCapacityItKeepsEverythingInOrder() {
    Reservoir<Integer> r = new Reservoir<>(10, 1);
    IntStream.range(0, 7).forEach(r::add);
    assertThat(r.items()).containsExactly(0, 1, 2, 3, 4, 5, 6);
    assertThat(r.seen()).isEqualTo(7);
  }

  /**
   * A thousand of a hundred thousand: distinct items spread over the whole stream (each tenth holds
   * about a hundred of them, the mean near the middle), not its start or its end.
   */
  @Test
  void aboveItsCapacityItKeepsAUniformSampleOfTheWholeStream() {
    Reservoir<Integer> r = new Reservoir<>(1_000, 42);
    IntStream.range(0, 100_000).forEach(r::add);
    List<Integer> kept = r.items();
    assertThat(kept).hasSize(1_000).doesNotHaveDuplicates();
    assertThat(r.seen()).isEqualTo(100_000);
    int[] perTenth = new int[10];
    kept.forEach(i -> perTenth[i / 10_000]++);
    assertThat(IntStream.of(perTenth).boxed()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
    // the mean of 1,000 uniform draws from 0-99,999 has a standard deviation of ~913
    assertThat(kept.stream().mapToInt(i -> i).average().orElseThrow())
        .isBetween(47_000.0, 53_000.0);
  }

  @Test
  void aReservoirHoldsAtLeastOneItem() {
    assertThatThrownBy(() -> new Reservoir<Integer>(0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
