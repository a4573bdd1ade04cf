package io.novacron.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/** Request latencies in nanoseconds, recorded from any thread, summarised as percentiles. */
final class Latencies {
  private final long[] nanos;
  private final AtomicInteger count = new AtomicInteger();

  Latencies(int capacity) {
    nanos = new long[capacity];
  }

  void record(long n) {
    int i = count.getAndIncrement();
    if (i < nanos.length) {
      nanos[i] = n;
    }
  }

  int count() {
    return count.get();
  }

  /** p50/p95/p99 in milliseconds. */
  String summary() {
    long[] sorted = Arrays.copyOf(nanos, Math.min(count.get(), nanos.length));
    Arrays.sort(sorted);
    return String.format(
        "p50 %.2f ms  p95 %.2f ms  p99 %.2f ms",
        pct(sorted, 0.50), pct(sorted, 0.95), pct(sorted, 0.99));
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
  }
}
