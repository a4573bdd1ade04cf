package io.novacron.operator.libvirt;

import java.util.HashMap;
import java.util.Map;
import org.libvirt.TypedParameter;

/**
 * A libvirt job's statistics (virDomainGetJobStats): of the migration running now, or of the one
 * that completed. Figures libvirt did not report are -1.
 */
public record JobStats(
    boolean active,
    long elapsedMillis,
    long dataTotal,
    long dataProcessed,
    long dataRemaining,
    long dirtyRateBytesPerSecond,
    long downtimeMillis,
    long iteration) {

  /** libvirt's virDomainJobType values that mean a job is under way. */
  private static final int JOB_BOUNDED = 1;

  private static final int JOB_UNBOUNDED = 2;

  static JobStats of(int type, TypedParameter[] params) {
    Map<String, Long> byName = new HashMap<>();
    for (TypedParameter p : params) {
      try {
        byName.put(p.field, Long.parseLong(p.getValueAsString()));
      } catch (NumberFormatException e) {
        // a string or double statistic we do not use
      }
    }
    long pageSize = byName.getOrDefault("memory_page_size", 4096L);
    long dirtyPages = byName.getOrDefault("memory_dirty_rate", -1L);
    return new JobStats(
        type == JOB_BOUNDED || type == JOB_UNBOUNDED,
        byName.getOrDefault("time_elapsed", -1L),
        byName.getOrDefault("data_total", -1L),
        byName.getOrDefault("data_processed", -1L),
        byName.getOrDefault("data_remaining", -1L),
        dirtyPages < 0 ? -1 : dirtyPages * pageSize,
        byName.getOrDefault("downtime", -1L),
        byName.getOrDefault("memory_iteration", -1L));
  }

  /**
   * A finished migration's figures: the completed job's statistics, with what libvirt left out
   * taken from the last statistics read while it ran (libvirt 9.0 keeps no completed statistics of
   * a post-copy migration on the target; its source stops existing at the end).
   */
  public static JobStats settled(JobStats completed, JobStats lastInFlight) {
    if (lastInFlight == null) {
      return completed;
    }
    return new JobStats(
        false,
        completed.elapsedMillis >= 0 ? completed.elapsedMillis : lastInFlight.elapsedMillis,
        completed.dataTotal >= 0 ? completed.dataTotal : lastInFlight.dataTotal,
        completed.dataProcessed >= 0 ? completed.dataProcessed : lastInFlight.dataProcessed,
        0,
        completed.dirtyRateBytesPerSecond,
        completed.downtimeMillis,
        completed.iteration);
  }

  /** Share of the data sent, 0-100, or -1 before libvirt knows the total. */
  public int percent() {
    if (dataTotal <= 0 || dataRemaining < 0) {
      return -1;
    }
    return (int) Math.min(100, Math.max(0, 100 - (100 * dataRemaining) / dataTotal));
  }
}
