package io.novacron.operator.forecast;

import java.util.List;

/**
 * The baselines the operator computes live for every VM beside the model, in constant memory: the
 * last value, the exponentially weighted means the features already track (about 1 minute, 10
 * minutes and 1 hour), the moving averages of the last 5 and 15 minutes of samples, and the
 * seasonal one: the value typical of the horizon's time of day, i.e. its 5-minute slot averaged
 * over the earlier days (up to a week; the last value until a day has passed). Read from a feature
 * row, so training, validation and serving use exactly the same numbers. ({@link Baselines} has the
 * offline forms the trace evaluation uses: moving averages of any window and the seasonal naive
 * value exactly one day earlier, which need the stored history.)
 */
public final class OnlineBaselines {
  public static final List<String> NAMES =
      List.of(
          "last value",
          "EWMA 1 min",
          "EWMA 10 min",
          "EWMA 1 h",
          "moving average 5 min",
          "moving average 15 min",
          "same time of day");

  private OnlineBaselines() {}

  /** Baseline {@code index} (of {@link #NAMES}) for the series of this feature row, in percent. */
  public static double forecast(int index, float[] row) {
    double last = row[0];
    double value =
        switch (index) {
          case 0 -> last;
          case 1 -> last - row[2];
          case 2 -> last - row[3];
          case 3 -> last - row[4];
          case 4 -> row[FeatureState.FEATURES];
          case 5 -> row[FeatureState.FEATURES + 1];
          case 6 -> row[FeatureState.FEATURES + 2];
          default -> throw new IllegalArgumentException("no baseline " + index);
        };
    return 100 * value;
  }
}
