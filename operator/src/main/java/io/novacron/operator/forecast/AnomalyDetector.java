package io.novacron.operator.forecast;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Flags one VM's CPU as anomalous when what happened stays outside the forecast's uncertainty band
 * for {@link #SUSTAINED} checks in a row, and as normal again after as many checks inside it. The
 * band is {@link #BAND_ERRORS} times the predictor's validation error, at least {@link
 * #MIN_BAND_POINTS}: a single spike or a predictor that is merely imprecise raises nothing.
 */
public final class AnomalyDetector {
  static final int SUSTAINED = 5;
  static final double BAND_ERRORS = 3;
  static final double MIN_BAND_POINTS = 10;

  /** Band while no validated error is known (before the first training). */
  static final double UNKNOWN_ERROR_POINTS = 5;

  private record Expected(Instant due, double percent, double band) {}

  private final Deque<Expected> pending = new ArrayDeque<>();
  private int outsideInARow;
  private int insideInARow;
  private boolean anomalous;
  private String lastDeviation = "";

  /** A forecast for {@code due}, with its predictor's validation error (null if unknown). */
  public void expect(Instant due, double percent, Double expectedError) {
    double error = expectedError == null ? UNKNOWN_ERROR_POINTS : expectedError;
    pending.addLast(new Expected(due, percent, Math.max(MIN_BAND_POINTS, BAND_ERRORS * error)));
  }

  /**
   * Checks the forecasts due by {@code at} against the value then; returns the new state when it
   * changed (true: anomalous, false: back to normal).
   */
  public Optional<Boolean> observe(Instant at, double actualPercent) {
    boolean before = anomalous;
    while (!pending.isEmpty() && !pending.peekFirst().due().isAfter(at)) {
      Expected e = pending.removeFirst();
      double deviation = Math.abs(actualPercent - e.percent());
      if (deviation > e.band()) {
        outsideInARow++;
        insideInARow = 0;
        lastDeviation =
            String.format(
                "CPU %.1f %% against a forecast of %.1f %% (band ±%.1f points)",
                actualPercent, e.percent(), e.band());
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
