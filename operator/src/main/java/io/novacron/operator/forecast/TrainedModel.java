package io.novacron.operator.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * A trained model and how it did against the best online baseline on the most recent validation
 * window; it serves only while it beats that baseline. When it serves, its forecast is blended with
 * that baseline's: {@code modelWeight} of the model's, the rest the baseline's ({@code model} is
 * the blend's score). Two forecasters whose errors differ beat either alone more often than not.
 */
public record TrainedModel(
    long version,
    Resource resource,
    Duration horizon,
    Instant trainedAt,
    int trainingRows,
    int validationRows,
    Score model,
    String baseline,
    Score baselineScore,
    double modelWeight,
    byte[] parameters) {

  /**
   * Errors on the validation window: MAE in percentage points, 1 − WAPE, and the 10th and 90th
   * percentiles of actual minus forecast (null for models stored before they were kept).
   */
  public record Score(
      double meanAbsoluteError, double oneMinusWape, Double residualP10, Double residualP90) {
    public Score(double meanAbsoluteError, double oneMinusWape) {
      this(meanAbsoluteError, oneMinusWape, null, null);
    }

    static Score of(ForecastError e, Residuals r) {
      return new Score(
          e.meanAbsoluteError(),
          e.oneMinusWape(),
          r.quantile(Residuals.LOW_QUANTILE),
          r.quantile(Residuals.HIGH_QUANTILE));
    }

    /** The 80 % interval around a forecast, clipped to 0-100 %; null when not known. */
    public double[] interval(double forecastPercent) {
      if (residualP10 == null || residualP90 == null) {
        return null;
      }
      return Residuals.interval(forecastPercent, residualP10, residualP90);
    }
  }

  /**
   * The model's shares of a served forecast tried on the validation window, the rest being the best
   * baseline's; the best one is kept with the model.
   */
  public static final List<Double> MODEL_WEIGHTS = List.of(0.25, 0.5, 0.75, 1.0);

  /**
   * The share in {@link #MODEL_WEIGHTS} whose blend has the lowest error by {@code errorOfWeight}
   * (the model alone when no share has a number).
   */
  public static double bestWeight(DoubleUnaryOperator errorOfWeight) {
    double best = 1;
    double bestError = Double.POSITIVE_INFINITY;
    for (double weight : MODEL_WEIGHTS) {
      double error = errorOfWeight.applyAsDouble(weight);
      if (error < bestError) {
        bestError = error;
        best = weight;
      }
    }
    return best;
  }

  /**
   * A served forecast from the model's and the baseline's, the model's share being {@code weight}.
   */
  public static double blend(double weight, double modelPercent, double baselinePercent) {
    return weight * modelPercent + (1 - weight) * baselinePercent;
  }

  /** The served forecast, in percent, from the model's and the baseline's. */
  public double blend(double modelPercent, double baselinePercent) {
    return blend(modelWeight, modelPercent, baselinePercent);
  }

  public boolean modelServes() {
    return model.meanAbsoluteError() < baselineScore.meanAbsoluteError();
  }

  public TrainedModel withVersion(long stored) {
    return new TrainedModel(
        stored,
        resource,
        horizon,
        trainedAt,
        trainingRows,
        validationRows,
        model,
        baseline,
        baselineScore,
        modelWeight,
        parameters);
  }
}
