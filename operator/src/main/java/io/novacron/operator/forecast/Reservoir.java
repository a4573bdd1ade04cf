package io.novacron.operator.forecast;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A uniform sample of at most {@code capacity} items from a stream of unknown length, in constant
 * memory (reservoir sampling, Vitter's algorithm R). Ten lines; none of the operator's libraries
 * offers it.
 */
final class Reservoir<T> {
  private final int capacity;
  private final Random random;
  private final List<T> items = new ArrayList<>();
  private long seen;

  Reservoir(int capacity, long seed) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a reservoir holds at least one item");
    }
    this.capacity = capacity;
    this.random = new Random(seed);
  }

  void add(T item) {
    seen++;
    if (items.size() < capacity) {
      items.add(item);
      return;
    }
    long slot = random.nextLong(seen);
    if (slot < capacity) {
      items.set((int) slot, item);
    }
  }

  /** The sample: every item seen while fewer than the capacity, else a uniform draw of them. */
  List<T> items() {
    return items;
  }

  /** How many items were offered in all. */
  long seen() {
    return seen;
  }
}
