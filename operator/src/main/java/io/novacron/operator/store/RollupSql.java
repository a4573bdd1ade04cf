package io.novacron.operator.store;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The statement that moves a staged batch into {@code vm_samples} and folds exactly the rows it
 * inserted into the 1-minute and 1-hour rollups. Generated from the metric list so every metric
 * gets the same sum/min/max/last treatment.
 */
final class RollupSql {
  /** Rollup column prefix and the raw column it aggregates. */
  record Metric(String prefix, String column) {}

  static final List<Metric> METRICS =
      List.of(
          new Metric("cpu", "cpu_percent"),
          new Metric("mem", "memory_used_bytes"),
          new Metric("disk_read", "disk_read_bytes_per_second"),
          new Metric("disk_write", "disk_write_bytes_per_second"),
          new Metric("net_rx", "network_rx_bytes_per_second"),
          new Metric("net_tx", "network_tx_bytes_per_second"));

  static final String INSERT_WITH_ROLLUPS =
      "WITH inserted AS (INSERT INTO vm_samples SELECT * FROM vm_samples_staging"
          + " ON CONFLICT DO NOTHING RETURNING *),"
          + " minute AS ("
          + upsert("vm_rollup_1m", "minute")
          + " RETURNING 1)"
          + " "
          + upsert("vm_rollup_1h", "hour");

  private RollupSql() {}

  private static String upsert(String table, String unit) {
    String columns =
        METRICS.stream()
            .map(
                m ->
                    m.prefix()
                        + "_sum, "
                        + m.prefix()
                        + "_min, "
                        + m.prefix()
                        + "_max, "
                        + m.prefix()
                        + "_last")
            .collect(Collectors.joining(", "));
    String aggregates =
        METRICS.stream()
            .map(
                m ->
                    "sum(%1$s), min(%1$s), max(%1$s), (array_agg(%1$s ORDER BY ts DESC))[1]"
                        .formatted(m.column()))
            .collect(Collectors.joining(", "));
    String merges =
        METRICS.stream()
            .map(
                m ->
                    ("%1$s_sum = r.%1$s_sum + excluded.%1$s_sum,"
                            + " %1$s_min = least(r.%1$s_min, excluded.%1$s_min),"
                            + " %1$s_max = greatest(r.%1$s_max, excluded.%1$s_max),"
                            + " %1$s_last = CASE WHEN excluded.last_ts >= r.last_ts"
                            + " THEN excluded.%1$s_last ELSE r.%1$s_last END")
                        .formatted(m.prefix()))
            .collect(Collectors.joining(", "));
    return "INSERT INTO "
        + table
        + " AS r (vm_uid, bucket, samples, last_ts, "
        + columns
        + ") SELECT vm_uid, date_trunc('"
        + unit
        + "', ts), count(*), max(ts), "
        + aggregates
        + " FROM inserted GROUP BY vm_uid, date_trunc('"
        + unit
        + "', ts)"
        + " ON CONFLICT (vm_uid, bucket) DO UPDATE SET samples = r.samples + excluded.samples, "
        + merges
        + ", last_ts = greatest(r.last_ts, excluded.last_ts)";
  }
}
