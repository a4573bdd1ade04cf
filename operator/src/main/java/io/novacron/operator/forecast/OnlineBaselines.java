package io.novacron.operator.forecast;

import java.util.List;

/**
 * The baselines the operator can compute live for every VM without keeping its history: the last
 * value and the exponentially weighted means the features already track (about 1 minute, 10 minutes
 * and 1 hour). Read from a feature row, so training, validation and serving use exactly the same
 * numbers. (The seasonal-naive and windowed moving-average baselines need stored history; {@link
 * Baselines} has them for offline evaluation.)
 */
public final class OnlineBaselines {
  public static final List<String> NAMES =
      List.of("last value", "EWMA 1 min", "EWMA 10 min", "EWMA 1 h");

  private OnlineBaselines() {}

  /** Baseline {@code index} (of {@link #NAMES}) for the series of this feature row, in percent. */
  public static double forecast(int index, float[] features) {
    double last = features[0];
    double value =
        switch (index) {
          case 0 -> last;
          case 1 -> last - features[2];
          case 2 -> last - features[3];
          case 3 -> last - features[4];
          default -> throw new IllegalArgumentException("no baseline " + index);
        };
    return 100 * value;
  }
}
