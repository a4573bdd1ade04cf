package io.novacron.operator.forecast;

/**
 * How far forecasts were from what happened, in the terms we report: mean absolute error in
 * percentage points, 1 − WAPE (weighted absolute percentage error: total absolute error over total
 * actual usage, the "accuracy" figure), and 4-bucket accuracy (the share of forecasts in the same
 * quarter, 0-25/25-50/50-75/75-100 %, as the actual value; the metric Resource Central reports).
 * Forecasts are clipped to 0-100 % first: no predictor may claim more than the capacity.
 */
public final class ForecastError {
  private long count;
  private double absoluteError;
  private double actualTotal;
  private long sameBucket;

  public void add(double forecastPercent, double actualPercent) {
    double forecast = Resource.clip(forecastPercent);
    count++;
    absoluteError += Math.abs(forecast - actualPercent);
    actualTotal += Math.abs(actualPercent);
    if (bucket(forecast) == bucket(actualPercent)) {
      sameBucket++;
    }
  }

  private static int bucket(double percent) {
    return (int) Math.min(3, Math.max(0, Math.floor(percent / 25)));
  }

  public long count() {
    return count;
  }

  public double meanAbsoluteError() {
    return count == 0 ? Double.NaN : absoluteError / count;
  }

  public double oneMinusWape() {
    return actualTotal == 0 ? Double.NaN : 1 - absoluteError / actualTotal;
  }

  public double bucketAccuracy() {
    return count == 0 ? Double.NaN : (double) sameBucket / count;
  }
}
