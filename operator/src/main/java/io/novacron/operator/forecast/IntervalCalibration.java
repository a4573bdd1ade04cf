package io.novacron.operator.forecast;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Keeps one VM's served 80 % intervals for one resource honest when its errors differ from those
 * the predictor showed on its validation window (a series that drifted, or one that moved less, or
 * more, than the fleet it was validated on). Each served interval is checked when it falls due; the
 * interval's distance from the forecast is then scaled up a little after a miss and down a little
 * after a hit, so that in the long run about 20 % of values fall outside (adaptive conformal
 * inference, Gibbs and Candès 2021, applied to the width instead of the quantile level). The scale
 * starts at 1, the validated interval, and stays between {@link #MIN_SCALE} and {@link #MAX_SCALE}.
 */
public final class IntervalCalibration {
  static final double MISS_TARGET = 0.2;

  /**
   * Change of the log scale per check: a miss widens by e^0.04 (4 %), a hit narrows by e^-0.01, so
   * it settles where 20 % miss, and forgets over some 25 checks (about half an hour at one forecast
   * a minute).
   */
  static final double STEP = 0.05;

  static final double MIN_SCALE = 0.25;
  static final double MAX_SCALE = 8;

  private record Served(Instant due, double low, double high) {}

  private final Deque<Served> pending = new ArrayDeque<>();
  private double logScale;

  /**
   * The interval to serve for a forecast whose validated interval is [{@code low}, {@code high}],
   * remembered to be checked at {@code due}; null when there is no validated interval.
   */
  public double[] serve(Instant due, double percent, Double low, Double high) {
    if (low == null || high == null) {
      return null;
    }
    double scale = scale();
    double[] served = {
      Resource.clip(percent - scale * (percent - low)),
      Resource.clip(percent + scale * (high - percent))
    };
    pending.addLast(new Served(due, served[0], served[1]));
    return served;
  }

  /** Checks the intervals due by {@code at} against the value then. */
  public void observe(Instant at, double actualPercent) {
    while (!pending.isEmpty() && !pending.peekFirst().due().isAfter(at)) {
      Served s = pending.removeFirst();
      boolean missed = actualPercent < s.low() || actualPercent > s.high();
      logScale += STEP * ((missed ? 1 : 0) - MISS_TARGET);
      logScale = Math.max(Math.log(MIN_SCALE), Math.min(Math.log(MAX_SCALE), logScale));
    }
  }

  /** How much wider (above 1) or narrower than the validated interval the served one is. */
  public double scale() {
    return Math.exp(logScale);
  }
}
