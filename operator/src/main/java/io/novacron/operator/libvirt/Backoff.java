package io.novacron.operator.libvirt;

import java.time.Duration;

/** Exponential backoff: 1s, 2s, 4s ... capped at {@code max}; reset on success. */
final class Backoff {
  private static final Duration INITIAL = Duration.ofSeconds(1);
  private final Duration max;
  private Duration current = Duration.ZERO;

  Backoff(Duration max) {
    this.max = max;
  }

  Duration next() {
    current = current.isZero() ? INITIAL : current.multipliedBy(2);
    if (current.compareTo(max) > 0) {
      current = max;
    }
    return current;
  }

  void reset() {
    current = Duration.ZERO;
  }
}
