package io.novacron.bench;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The writer's clock during a replay: set to the time of the samples being offered, so minutes
 * close behind them as they would live (a replay of past data against the wall clock would make
 * every sample "late").
 */
final class ReplayClock extends Clock {
  private volatile Instant now;

  ReplayClock(Instant start) {
    this.now = start;
  }

  void set(Instant t) {
    now = t;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
