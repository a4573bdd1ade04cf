package io.novacron.operator.forecast;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Flags one VM's CPU as anomalous when what happened stays outside the forecast's band for {@link
 * #SUSTAINED} checks in a row, and as normal again after as many checks inside it. The band
 * stretches {@link #BAND_SCALE} times as far from the forecast as its 80 % interval, on each side
 * as lopsided as the interval; without an interval (before the first training, or a model stored
 * before intervals existed) {@link #BAND_ERRORS} times the predictor's validation error. Either way
 * at least {@link #MIN_BAND_POINTS} each side: a single spike or a predictor that is merely
 * imprecise raises nothing.
 */
public final class AnomalyDetector {
  static final int SUSTAINED = 5;

  /**
   * Twice the interval: with normal errors that is ±2.6 σ (the interval's ends lie at ±1.28 σ),
   * about what 3 × the mean absolute error (±2.4 σ) gave before the interval existed, but shaped by
   * the errors actually seen (CPU's are lopsided: spikes up are larger than dips).
   */
  static final double BAND_SCALE = 2;

  static final double BAND_ERRORS = 3;
  static final double MIN_BAND_POINTS = 10;

  /** Band while no validated error is known (before the first training). */
  static final double UNKNOWN_ERROR_POINTS = 5;

  private record Expected(Instant due, double percent, double low, double high) {}

  private final Deque<Expected> pending = new ArrayDeque<>();
  private int outsideInARow;
  private int insideInARow;
  private boolean anomalous;
  private String lastDeviation = "";

  /** A CPU forecast for {@code due}. */
  public void expect(Instant due, Forecaster.Prediction forecast) {
    double percent = forecast.percent();
    double below;
    double above;
    if (forecast.lowPercent() != null && forecast.highPercent() != null) {
      below = BAND_SCALE * (percent - forecast.lowPercent());
      above = BAND_SCALE * (forecast.highPercent() - percent);
    } else {
      Double error = forecast.expectedErrorPercent();
      below = BAND_ERRORS * (error == null ? UNKNOWN_ERROR_POINTS : error);
      above = below;
    }
    pending.addLast(
        new Expected(
            due,
            percent,
            percent - Math.max(MIN_BAND_POINTS, below),
            percent + Math.max(MIN_BAND_POINTS, above)));
  }

  /**
   * Checks the forecasts due by {@code at} against the value then; returns the new state when it
   * changed (true: anomalous, false: back to normal).
   */
  public Optional<Boolean> observe(Instant at, double actualPercent) {
    boolean before = anomalous;
    while (!pending.isEmpty() && !pending.peekFirst().due().isAfter(at)) {
      Expected e = pending.removeFirst();
      if (actualPercent < e.low() || actualPercent > e.high()) {
        outsideInARow++;
        insideInARow = 0;
        lastDeviation =
            String.format(
                "CPU %.1f %% against a forecast of %.1f %% (band %.1f-%.1f %%)",
                actualPercent, e.percent(), e.low(), e.high());
      } else {
        insideInARow++;
        outsideInARow = 0;
      }
      if (!anomalous && outsideInARow >= SUSTAINED) {
        anomalous = true;
      } else if (anomalous && insideInARow >= SUSTAINED) {
        anomalous = false;
      }
    }
    return anomalous == before ? Optional.empty() : Optional.of(anomalous);
  }

  public boolean anomalous() {
    return anomalous;
  }

  /** The latest forecast the actual value fell outside of, for the condition's message. */
  public String lastDeviation() {
    return lastDeviation;
  }
}
