package io.novacron.operator.forecast;

import java.util.Arrays;

/**
 * A uniform sample of at most {@code capacity} training rows (the model's inputs and the change
 * that followed), kept flat: ~52 bytes a row where arrays per row take ~90, so the operator's
 * million rows per resource fit in ~52 MB. Sized up front for the rows expected, so a short history
 * costs little and a long one is not copied while it grows (the old and the new arrays would both
 * be live: ~73 MB at the last doubling to a million rows); grows only if more come. Handed over to
 * training whole ({@link #takeTrainingSet}), not copied.
 */
final class TrainingRows {
  private static final int WIDTH = FeatureState.FEATURES;
  private final int capacity;
  private final Reservoir reservoir;
  private float[] features;
  private float[] changes;

  /** {@code expectedRows}: how many rows will be offered, as far as known (0 if not). */
  TrainingRows(int capacity, long seed, long expectedRows) {
    this.capacity = capacity;
    reservoir = new Reservoir(capacity, seed);
    int rows = (int) Math.max(0, Math.min(capacity, expectedRows));
    features = new float[rows * WIDTH];
    changes = new float[rows];
  }

  /** Offers a row: {@code row} holds at least the model's inputs, copied if kept. */
  void add(float[] row, float change) {
    checkNotTaken();
    int slot = reservoir.offer();
    if (slot < 0) {
      return;
    }
    if (slot == changes.length) {
      int grown = Math.min(capacity, Math.max(1_024, changes.length * 2));
      features = Arrays.copyOf(features, grown * WIDTH);
      changes = Arrays.copyOf(changes, grown);
    }
    System.arraycopy(row, 0, features, slot * WIDTH, WIDTH);
    changes[slot] = change;
  }

  int size() {
    return reservoir.size();
  }

  /** How many rows were offered in all. */
  long seen() {
    return reservoir.seen();
  }

  /** The first column (the last value) of row {@code i}. */
  float lastValue(int i) {
    checkNotTaken();
    return features[i * WIDTH];
  }

  /**
   * The rows as a training set, their arrays handed over, untrimmed: a copy of a million rows would
   * hold another 52 MB while the model trains. Rows can be neither added nor read here afterwards.
   */
  MlpForecaster.TrainingSet takeTrainingSet() {
    checkNotTaken();
    MlpForecaster.TrainingSet set = new MlpForecaster.TrainingSet(features, changes, size());
    features = null;
    changes = null;
    return set;
  }

  private void checkNotTaken() {
    if (changes == null) {
      throw new IllegalStateException("these training rows were handed over to training");
    }
  }
}
