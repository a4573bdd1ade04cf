package io.novacron.operator.forecast;

import java.util.List;

/**
 * The forecasts a model must beat, over a series of percentages at a fixed step (NaN where a value
 * is missing). Each returns, for every origin t, its forecast of the value {@code h} steps later
 * (NaN where it has none).
 */
public final class Baselines {
  private Baselines() {}

  /** A named baseline with its setting, e.g. "moving average 15 min". */
  public record Baseline(String name, double[] forecasts) {}

  /** The last value seen. */
  public static double[] lastValue(double[] values) {
    double[] out = new double[values.length];
    double last = Double.NaN;
    for (int t = 0; t < values.length; t++) {
      if (!Double.isNaN(values[t])) {
        last = values[t];
      }
      out[t] = last;
    }
    return out;
  }

  /** The mean of the last {@code window} values (missing ones skipped). */
  public static double[] movingAverage(double[] values, int window) {
    double[] out = new double[values.length];
    double sum = 0;
    int present = 0;
    for (int t = 0; t < values.length; t++) {
      if (!Double.isNaN(values[t])) {
        sum += values[t];
        present++;
      }
      if (t >= window && !Double.isNaN(values[t - window])) {
        sum -= values[t - window];
        present--;
      }
      out[t] = present == 0 ? Double.NaN : sum / present;
    }
    return out;
  }

  /** An exponentially weighted mean with the given weight of the newest value. */
  public static double[] ewma(double[] values, double alpha) {
    double[] out = new double[values.length];
    double mean = Double.NaN;
    for (int t = 0; t < values.length; t++) {
      if (!Double.isNaN(values[t])) {
        mean = Double.isNaN(mean) ? values[t] : mean + alpha * (values[t] - mean);
      }
      out[t] = mean;
    }
    return out;
  }

  /** The value one period (a day) before the forecast time; NaN until the history has it. */
  public static double[] seasonalNaive(double[] values, int horizon, int period) {
    double[] out = new double[values.length];
    for (int t = 0; t < values.length; t++) {
      int sameTimeBefore = t + horizon - period;
      out[t] = sameTimeBefore >= 0 ? values[sameTimeBefore] : Double.NaN;
    }
    return out;
  }

  /** Of several candidate forecasts, the one with the lowest mean absolute error on [from, to). */
  public static Baseline best(
      List<Baseline> candidates, double[] values, int horizon, int from, int to) {
    Baseline best = null;
    double bestError = Double.POSITIVE_INFINITY;
    for (Baseline b : candidates) {
      ForecastError error = new ForecastError();
      for (int t = from; t < to && t + horizon < values.length; t++) {
        if (!Double.isNaN(b.forecasts()[t]) && !Double.isNaN(values[t + horizon])) {
          error.add(b.forecasts()[t], values[t + horizon]);
        }
      }
      if (error.count() > 0 && error.meanAbsoluteError() < bestError) {
        bestError = error.meanAbsoluteError();
        best = b;
      }
    }
    return best;
  }
}
