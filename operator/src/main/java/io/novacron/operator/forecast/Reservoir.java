package io.novacron.operator.forecast;

import java.util.Random;

/**
 * Chooses a uniform sample of at most {@code capacity} items from a stream of unknown length
 * (reservoir sampling, Vitter's algorithm R): it says where each item offered goes, and the caller
 * keeps the items however it likes. A few lines; none of the operator's libraries offers it.
 */
final class Reservoir {
  private final int capacity;
  private final Random random;
  private int size;
  private long seen;

  Reservoir(int capacity, long seed) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a reservoir holds at least one item");
    }
    this.capacity = capacity;
    this.random = new Random(seed);
  }

  /**
   * Where the next item of the stream goes: its index in the sample (equal to the sample's size
   * before the call while the sample grows, else an item to replace), or -1 when it is left out.
   */
  int offer() {
    seen++;
    if (size < capacity) {
      return size++;
    }
    long slot = random.nextLong(seen);
    return slot < capacity ? (int) slot : -1;
  }

  /** How many items the sample holds. */
  int size() {
    return size;
  }

  /** How many items were offered in all. */
  long seen() {
    return seen;
  }
}
