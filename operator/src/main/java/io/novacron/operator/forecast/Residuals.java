package io.novacron.operator.forecast;

import java.util.Arrays;

/**
 * A predictor's errors on its validation window, actual minus forecast (the forecast clipped to
 * 0-100 % as it is served), kept whole so their quantiles can be read. Added to a forecast, the
 * 10th and 90th percentiles give an 80 % interval as wide and as lopsided as the errors really
 * were. A validation window holds at most a few hundred thousand rows: one sort, no sketch.
 */
public final class Residuals {
  public static final double LOW_QUANTILE = 0.1;
  public static final double HIGH_QUANTILE = 0.9;

  private float[] values = new float[256];
  private int count;
  private boolean sorted = true;

  public void add(double forecastPercent, double actualPercent) {
    if (count == values.length) {
      values = Arrays.copyOf(values, count * 2);
    }
    values[count++] = (float) (actualPercent - Resource.clip(forecastPercent));
    sorted = false;
  }

  /** The 80 % interval around a forecast from its predictor's error percentiles, within 0-100 %. */
  public static double[] interval(double forecastPercent, double p10, double p90) {
    double forecast = Resource.clip(forecastPercent);
    return new double[] {Resource.clip(forecast + p10), Resource.clip(forecast + p90)};
  }

  /** The {@code q} quantile (0-1), linearly interpolated; NaN when nothing was added. */
  public double quantile(double q) {
    if (count == 0) {
      return Double.NaN;
    }
    if (!sorted) {
      Arrays.sort(values, 0, count);
      sorted = true;
    }
    double rank = q * (count - 1);
    int below = (int) Math.floor(rank);
    int above = Math.min(count - 1, below + 1);
    return values[below] + (rank - below) * (values[above] - values[below]);
  }
}
