package io.novacron.operator.store;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The statements that maintain the 1-minute and 1-hour rollups, generated from the metric list so
 * every metric gets the same sum/min/max/last treatment. Minutes are computed from raw rows and
 * replace what was there (so recomputing a minute is idempotent); hours are merged from newly
 * closed minutes (each minute exactly once, guarded by the watermark) or recomputed from minutes.
 */
final class RollupSql {
  /**
   * Rollup column prefix and the raw column it aggregates; min, max and last are bigint for an
   * integral metric, real otherwise, and the sum is always double precision.
   */
  record Metric(String prefix, String column, boolean integral) {}

  static final List<Metric> METRICS =
      List.of(
          new Metric("cpu", "cpu_percent", false),
          new Metric("mem", "memory_used_bytes", true),
          new Metric("disk_read", "disk_read_bytes_per_second", false),
          new Metric("disk_write", "disk_write_bytes_per_second", false),
          new Metric("net_rx", "network_rx_bytes_per_second", false),
          new Metric("net_tx", "network_tx_bytes_per_second", false),
          new Metric("mem_rss", "memory_rss_bytes", true));

  /** Minutes [?, ?) from raw rows, replacing existing rows; parameters from, to. */
  static final String CLOSE_MINUTES = minutesFromRaw("");

  /** As {@link #CLOSE_MINUTES} for some VMs only; parameters from, to, uuid[]. */
  static final String REFRESH_MINUTES = minutesFromRaw(" AND vm_uid = ANY(?)");

  /** Merges closed minutes [?, ?) into their hours; parameters from, to. */
  static final String MERGE_HOURS = hoursFromMinutes("", merges());

  /** Recomputes hours from minutes [?, ?) for some VMs, replacing; parameters from, to, uuid[]. */
  static final String REFRESH_HOURS = hoursFromMinutes(" AND vm_uid = ANY(?)", replaces());

  private RollupSql() {}

  /** "last" comes from the newest row of each group: one sort per group, not one per metric. */
  private static String minutesFromRaw(String filter) {
    return "INSERT INTO vm_rollup_1m AS r (vm_uid, bucket, samples, last_ts, "
        + columns()
        + ") SELECT vm_uid, minute, n, last_ts, "
        + METRICS.stream()
            .map(m -> "s_%1$s, mi_%1$s, ma_%1$s, (newest).%1$s".formatted(m.column()))
            .collect(Collectors.joining(", "))
        + " FROM (SELECT vm_uid, date_trunc('minute', ts) AS minute, count(*) AS n,"
        + " max(ts) AS last_ts, "
        + METRICS.stream()
            .map(
                m ->
                    ("sum(%1$s::double precision) AS s_%1$s, min(%1$s) AS mi_%1$s,"
                            + " max(%1$s) AS ma_%1$s")
                        .formatted(m.column()))
            .collect(Collectors.joining(", "))
        + ", (array_agg(s ORDER BY ts DESC))[1] AS newest FROM vm_samples s WHERE ts >= ? AND ts < ?"
        + filter
        + " GROUP BY 1, 2) g ON CONFLICT (vm_uid, bucket) DO UPDATE SET "
        + replaces();
  }

  private static String hoursFromMinutes(String filter, String onConflict) {
    String aggregates =
        METRICS.stream()
            .map(
                m ->
                    ("sum(%1$s_sum), min(%1$s_min), max(%1$s_max),"
                            + " (array_agg(%1$s_last ORDER BY last_ts DESC))[1]")
                        .formatted(m.prefix()))
            .collect(Collectors.joining(", "));
    return "INSERT INTO vm_rollup_1h AS r (vm_uid, bucket, samples, last_ts, "
        + columns()
        + ") SELECT vm_uid, date_trunc('hour', bucket), sum(samples), max(last_ts), "
        + aggregates
        + " FROM vm_rollup_1m WHERE bucket >= ? AND bucket < ?"
        + filter
        + " GROUP BY 1, 2 ON CONFLICT (vm_uid, bucket) DO UPDATE SET "
        + onConflict;
  }

  private static String columns() {
    return METRICS.stream()
        .map(m -> "%1$s_sum, %1$s_min, %1$s_max, %1$s_last".formatted(m.prefix()))
        .collect(Collectors.joining(", "));
  }

  private static String replaces() {
    return "samples = excluded.samples, last_ts = excluded.last_ts, "
        + METRICS.stream()
            .map(
                m ->
                    ("%1$s_sum = excluded.%1$s_sum, %1$s_min = excluded.%1$s_min,"
                            + " %1$s_max = excluded.%1$s_max, %1$s_last = excluded.%1$s_last")
                        .formatted(m.prefix()))
            .collect(Collectors.joining(", "));
  }

  private static String merges() {
    return "samples = r.samples + excluded.samples, "
        + METRICS.stream()
            .map(
                m ->
                    ("%1$s_sum = coalesce(r.%1$s_sum + excluded.%1$s_sum, r.%1$s_sum,"
                            + " excluded.%1$s_sum),"
                            + " %1$s_min = least(r.%1$s_min, excluded.%1$s_min),"
                            + " %1$s_max = greatest(r.%1$s_max, excluded.%1$s_max),"
                            + " %1$s_last = CASE WHEN excluded.last_ts >= r.last_ts"
                            + " THEN excluded.%1$s_last ELSE r.%1$s_last END")
                        .formatted(m.prefix()))
            .collect(Collectors.joining(", "))
        + ", last_ts = greatest(r.last_ts, excluded.last_ts)";
  }
}
