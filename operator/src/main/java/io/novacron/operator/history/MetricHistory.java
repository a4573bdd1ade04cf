package io.novacron.operator.history;

import static io.novacron.operator.store.Timestamps.utc;

import io.novacron.operator.store.ConnectionSource;
import io.novacron.operator.store.WindowSummaries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads metric history: one VM or host over a range in steps, and the dashboard summary. Each query
 * reads the coarsest table that serves it ({@link Resolution}); steps are aligned to the Unix epoch
 * with {@code date_bin}, so the same range and step always give the same points.
 */
public final class MetricHistory {
  private static final int QUERY_TIMEOUT_SECONDS = 10;
  private static final Duration SUMMARY_MINUTE_LIMIT = Duration.ofHours(6);
  private static final String EPOCH = "TIMESTAMPTZ '1970-01-01 00:00:00+00'";

  /** How far behind the request a standard window's aggregates may end and still be served. */
  private static final Duration PRECOMPUTED_LAG = Duration.ofMinutes(5);

  private final ConnectionSource connections;
  private final Retention retention;

  public MetricHistory(ConnectionSource connections, Retention retention) {
    this.connections = connections;
    this.retention = retention;
  }

  public Retention retention() {
    return retention;
  }

  /** The UID of the newest VM sampled under this namespace and name. */
  public Optional<String> vmUid(String namespace, String name) throws SQLException {
    try (Connection c = connections.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT vm_uid FROM vm_inventory WHERE namespace = ? AND name = ?"
                    + " ORDER BY updated_at DESC LIMIT 1")) {
      ps.setString(1, namespace);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Whether any sample of this pool host is stored. */
  public boolean hostKnown(String pool, String host) throws SQLException {
    try (Connection c = connections.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT 1 FROM host_samples WHERE pool = ? AND host = ? LIMIT 1")) {
      ps.setString(1, pool);
      ps.setString(2, host);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  public List<VmPoint> vmHistory(
      String uid, Instant from, Instant to, Duration step, Resolution resolution)
      throws SQLException {
    String sql =
        resolution == Resolution.RAW
            ? "SELECT date_bin(CAST(? AS interval), ts, "
                + EPOCH
                + ") AS t, count(*)::int, avg(cpu_percent), max(cpu_percent),"
                + " avg(memory_used_bytes), max(memory_used_bytes),"
                + " avg(disk_read_bytes_per_second), avg(disk_write_bytes_per_second),"
                + " avg(network_rx_bytes_per_second), avg(network_tx_bytes_per_second),"
                + " avg(memory_rss_bytes), max(memory_rss_bytes)"
                + " FROM vm_samples WHERE vm_uid = ? AND ts >= ? AND ts < ? GROUP BY 1 ORDER BY 1"
            : "SELECT date_bin(CAST(? AS interval), bucket, "
                + EPOCH
                + ") AS t, sum(samples)::int, sum(cpu_sum) / sum(samples), max(cpu_max),"
                + averageOverPresent("mem_sum")
                + ", max(mem_max), sum(disk_read_sum) / sum(samples),"
                + " sum(disk_write_sum) / sum(samples), sum(net_rx_sum) / sum(samples),"
                + " sum(net_tx_sum) / sum(samples), "
                + averageOverPresent("mem_rss_sum")
                + ", max(mem_rss_max) FROM "
                + rollupTable(resolution)
                + " WHERE vm_uid = ? AND bucket >= ? AND bucket < ? GROUP BY 1 ORDER BY 1";
    try (Connection c = connections.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      ps.setString(1, interval(step));
      ps.setObject(2, UUID.fromString(uid));
      ps.setObject(3, utc(bucketStart(from, resolution)));
      ps.setObject(4, utc(to));
      List<VmPoint> points = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          points.add(
              new VmPoint(
                  instant(rs, 1),
                  rs.getInt(2),
                  rs.getDouble(3),
                  rs.getDouble(4),
                  nullableDouble(rs, 5),
                  nullableLong(rs, 6),
                  rs.getDouble(7),
                  rs.getDouble(8),
                  rs.getDouble(9),
                  rs.getDouble(10),
                  nullableDouble(rs, 11),
                  nullableLong(rs, 12)));
        }
      }
      return points;
    }
  }

  /** A host's history, from raw host samples (hosts are few; see the V3 migration). */
  public List<HostPoint> hostHistory(
      String pool, String host, Instant from, Instant to, Duration step) throws SQLException {
    try (Connection c = connections.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT date_bin(CAST(? AS interval), ts, "
                    + EPOCH
                    + ") AS t, count(*)::int, avg(cpu_percent), max(cpu_percent),"
                    + " min(memory_free_bytes), max(memory_total_bytes) FROM host_samples"
                    + " WHERE pool = ? AND host = ? AND ts >= ? AND ts < ?"
                    + " GROUP BY 1 ORDER BY 1")) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      ps.setString(1, interval(step));
      ps.setString(2, pool);
      ps.setString(3, host);
      ps.setObject(4, utc(from));
      ps.setObject(5, utc(to));
      List<HostPoint> points = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          points.add(
              new HostPoint(
                  instant(rs, 1),
                  rs.getInt(2),
                  nullableDouble(rs, 3),
                  nullableDouble(rs, 4),
                  rs.getLong(5),
                  rs.getLong(6)));
        }
      }
      return points;
    }
  }

  /** The resolution the summary over {@code window} reads: 1-minute rollups up to 6 h. */
  public Resolution summaryResolution(Duration window, Instant now) {
    Resolution r =
        window.compareTo(SUMMARY_MINUTE_LIMIT) <= 0 ? Resolution.MINUTE : Resolution.HOUR;
    return r == Resolution.MINUTE && window.compareTo(retention.minute()) > 0 ? Resolution.HOUR : r;
  }

  /**
   * Average CPU and maximum memory over the window for every VM (or those of one namespace and/or
   * pool), and the {@code top} busiest by average CPU. The standard windows (1 h, 24 h) are read
   * from their per-VM aggregates when those are recent; other windows, or when those lag, are
   * aggregated from the rollups, starting at the rollup bucket that holds {@code to - window}.
   */
  public Summary summary(Duration window, Instant to, String namespace, String pool, int top)
      throws SQLException {
    Optional<WindowSummaries.Window> standard = WindowSummaries.Window.of(window);
    if (standard.isPresent()) {
      Optional<Summary> precomputed =
          summarize(
              "SELECT vm_uid, cpu_sum / samples AS cpu_avg, cpu_max, mem_max, from_ts, to_ts"
                  + " FROM vm_window_summary r WHERE window_name = ?%s",
              List.of(standard.get().label()),
              namespace,
              pool,
              top,
              summaryResolution(window, to).label());
      if (precomputed.isPresent() && !precomputed.get().to().isBefore(to.minus(PRECOMPUTED_LAG))) {
        return precomputed.get();
      }
    }
    Resolution resolution = summaryResolution(window, to);
    Instant from = bucketStart(to.minus(window), resolution);
    return summarize(
            "SELECT r.vm_uid, sum(r.cpu_sum) / sum(r.samples) AS cpu_avg, max(r.cpu_max) AS cpu_max,"
                + " max(r.mem_max) AS mem_max, CAST(? AS timestamptz) AS from_ts,"
                + " CAST(? AS timestamptz) AS to_ts FROM "
                + rollupTable(resolution)
                + " r WHERE r.bucket >= ? AND r.bucket < ?%s GROUP BY r.vm_uid",
            List.of(utc(from), utc(to), utc(from), utc(to)),
            namespace,
            pool,
            top,
            resolution.label())
        .orElse(new Summary(from, to, resolution.label(), 0, null, null, List.of()));
  }

  /**
   * Ranks the per-VM rows that {@code perVm} selects (columns vm_uid, cpu_avg, cpu_max, mem_max,
   * from_ts, to_ts; {@code %s} where the namespace/pool condition goes) and adds the fleet figures;
   * empty when no VM has data.
   */
  private Optional<Summary> summarize(
      String perVm,
      List<Object> parameters,
      String namespace,
      String pool,
      int top,
      String resolution)
      throws SQLException {
    String scope = "";
    if (namespace != null || pool != null) {
      scope =
          " AND r.vm_uid IN (SELECT vm_uid FROM vm_inventory WHERE true"
              + (namespace != null ? " AND namespace = ?" : "")
              + (pool != null ? " AND pool = ?" : "")
              + ")";
    }
    String sql =
        "WITH per_vm AS ("
            + perVm.formatted(scope)
            + "), ranked AS (SELECT p.*, count(*) OVER () AS vms, avg(cpu_avg) OVER () AS fleet_cpu,"
            + " max(mem_max) OVER () AS fleet_mem FROM per_vm p ORDER BY cpu_avg DESC LIMIT ?)"
            + " SELECT k.vm_uid, i.namespace, i.name, i.pool, i.host, k.cpu_avg, k.cpu_max,"
            + " k.mem_max, k.vms, k.fleet_cpu, k.fleet_mem, k.from_ts, k.to_ts FROM ranked k"
            + " LEFT JOIN vm_inventory i ON i.vm_uid = k.vm_uid ORDER BY k.cpu_avg DESC";
    try (Connection c = connections.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      int i = 1;
      for (Object p : parameters) {
        ps.setObject(i++, p);
      }
      if (namespace != null) {
        ps.setString(i++, namespace);
      }
      if (pool != null) {
        ps.setString(i++, pool);
      }
      ps.setInt(i, Math.max(1, top));
      List<Summary.TopVm> busiest = new ArrayList<>();
      Summary fleet = null;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          busiest.add(
              new Summary.TopVm(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getDouble(6),
                  rs.getDouble(7),
                  nullableLong(rs, 8)));
          fleet =
              new Summary(
                  instant(rs, 12),
                  instant(rs, 13),
                  resolution,
                  rs.getInt(9),
                  rs.getDouble(10),
                  nullableLong(rs, 11),
                  List.of());
        }
      }
      if (fleet == null) {
        return Optional.empty();
      }
      return Optional.of(
          new Summary(
              fleet.from(),
              fleet.to(),
              resolution,
              fleet.vmCount(),
              fleet.avgCpuPercent(),
              fleet.maxMemoryUsedBytes(),
              top <= 0 ? List.of() : busiest));
    }
  }

  /**
   * The average of a metric that some samples lack (memory figures): its rollup sums skip those
   * samples, so divide by the samples of the buckets that had it.
   */
  private static String averageOverPresent(String sumColumn) {
    return "sum(%1$s) / nullif(sum(samples) FILTER (WHERE %1$s IS NOT NULL), 0)"
        .formatted(sumColumn);
  }

  private static String rollupTable(Resolution resolution) {
    return resolution == Resolution.HOUR ? "vm_rollup_1h" : "vm_rollup_1m";
  }

  private static Instant bucketStart(Instant t, Resolution resolution) {
    return switch (resolution) {
      case RAW -> t;
      case MINUTE -> t.truncatedTo(ChronoUnit.MINUTES);
      case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
    };
  }

  private static String interval(Duration step) {
    return step.toMillis() + " milliseconds";
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }

  private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  private static Long nullableLong(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
