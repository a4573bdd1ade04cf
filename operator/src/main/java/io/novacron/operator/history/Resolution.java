package io.novacron.operator.history;

import java.time.Duration;
import java.time.Instant;

/** Which stored data answers a query: raw samples, or 1-minute or 1-hour rollups. */
public enum Resolution {
  RAW("raw", Duration.ZERO),
  MINUTE("1m", Duration.ofMinutes(1)),
  HOUR("1h", Duration.ofHours(1));

  private final String label;
  private final Duration bucket;

  Resolution(String label, Duration bucket) {
    this.label = label;
    this.bucket = bucket;
  }

  public String label() {
    return label;
  }

  /**
   * The finest data that still serves a query: coarse enough for the step (a step of 1 m or more
   * never needs raw rows, 1 h or more never needs 1-minute rollups), and still retained at {@code
   * from}.
   */
  public static Resolution choose(Instant from, Duration step, Instant now, Retention retention) {
    Resolution r = RAW;
    if (step.compareTo(HOUR.bucket) >= 0) {
      r = HOUR;
    } else if (step.compareTo(MINUTE.bucket) >= 0) {
      r = MINUTE;
    }
    if (r == RAW && from.isBefore(now.minus(retention.raw()))) {
      r = MINUTE;
    }
    if (r == MINUTE && from.isBefore(now.minus(retention.minute()))) {
      r = HOUR;
    }
    return r;
  }
}
