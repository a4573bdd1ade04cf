package io.novacron.operator.store;

import io.novacron.operator.metrics.VmSample;
import java.time.Instant;
import java.util.UUID;

/**
 * One VM's 1-minute rollup row, accumulated in memory from the samples as they are stored: the same
 * count, sum, min, max and last per metric ({@link RollupSql#METRICS}, in that order) that closing
 * the minute from raw rows would compute. Values are taken as stored (real columns are floats);
 * memory byte counts stay exact in a double below 2^53 bytes.
 */
final class MinuteAggregate {
  static final int METRICS = RollupSql.METRICS.size();

  final UUID vm;
  final Instant minute;
  int samples;
  Instant lastTs;
  final double[] sum = new double[METRICS];
  final double[] min = new double[METRICS];
  final double[] max = new double[METRICS];
  final double[] last = new double[METRICS];

  /**
   * Samples with a value per metric: memory used is absent when the guest does not report it, RSS
   * when libvirt does not.
   */
  final int[] present = new int[METRICS];

  MinuteAggregate(UUID vm, Instant minute) {
    this.vm = vm;
    this.minute = minute;
  }

  /** Synchronized: two writers may store samples of the same VM and minute at once. */
  synchronized void add(VmSample s) {
    boolean newest = lastTs == null || s.at().isAfter(lastTs);
    samples++;
    if (newest) {
      lastTs = s.at();
    }
    add(0, (float) s.cpuPercent(), newest);
    add(1, orNaN(s.memoryUsedBytes()), newest);
    add(2, (float) s.diskReadBytesPerSecond(), newest);
    add(3, (float) s.diskWriteBytesPerSecond(), newest);
    add(4, (float) s.networkRxBytesPerSecond(), newest);
    add(5, (float) s.networkTxBytesPerSecond(), newest);
    add(6, orNaN(s.memoryRssBytes()), newest);
  }

  private static double orNaN(Long value) {
    return value == null ? Double.NaN : value;
  }

  /** NaN stands for an absent value: not summed, and "last" when the newest sample lacks it. */
  private void add(int metric, double value, boolean newest) {
    if (newest) {
      last[metric] = value;
    }
    if (Double.isNaN(value)) {
      return;
    }
    if (present[metric]++ == 0) {
      min[metric] = value;
      max[metric] = value;
    } else {
      min[metric] = Math.min(min[metric], value);
      max[metric] = Math.max(max[metric], value);
    }
    sum[metric] += value;
  }

  /** The metric's value for a rollup column, or null where SQL's aggregate would be null. */
  Double sum(int metric) {
    return present[metric] == 0 ? null : sum[metric];
  }

  Double min(int metric) {
    return present[metric] == 0 ? null : min[metric];
  }

  Double max(int metric) {
    return present[metric] == 0 ? null : max[metric];
  }

  Double last(int metric) {
    return Double.isNaN(last[metric]) ? null : last[metric];
  }
}
