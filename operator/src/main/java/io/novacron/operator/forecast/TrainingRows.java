package io.novacron.operator.forecast;

import java.util.Arrays;

/**
 * A uniform sample of at most {@code capacity} training rows (the model's inputs and the change
 * that followed), kept flat: ~48 bytes a row where arrays per row take ~90, so the operator's
 * million rows per resource fit in ~48 MB. Grows as rows come, so a short history costs little.
 * Handed over to training whole ({@link #takeTrainingSet}), not copied.
 */
final class TrainingRows {
  private static final int WIDTH = FeatureState.FEATURES;
  private final int capacity;
  private final Reservoir reservoir;
  private float[] features = new float[0];
  private float[] changes = new float[0];

  TrainingRows(int capacity, long seed) {
    this.capacity = capacity;
    reservoir = new Reservoir(capacity, seed);
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
   * The rows as a training set, their arrays handed over (trimmed only if the sample is not full):
   * a copy of a million rows would hold another 48 MB while the model trains. Rows can be neither
   * added nor read here afterwards.
   */
  MlpForecaster.TrainingSet takeTrainingSet() {
    checkNotTaken();
    int n = size();
    MlpForecaster.TrainingSet set =
        new MlpForecaster.TrainingSet(
            features.length == n * WIDTH ? features : Arrays.copyOf(features, n * WIDTH),
            changes.length == n ? changes : Arrays.copyOf(changes, n));
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
