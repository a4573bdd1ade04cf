package io.novacron.operator.store;

import static io.novacron.operator.store.Timestamps.utc;

import io.novacron.operator.metrics.VmSample;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Maintains the rollups per closed bucket: once no more samples are expected for a minute, every
 * VM's row for it is written (from the writer's in-memory aggregates, or computed from raw rows
 * when those are incomplete) and merged into its hour, in one transaction with the watermark, so
 * each minute reaches its hour exactly once. Samples that arrive for a minute already closed (a
 * slow host, a writer backlog) get their minutes and hours recomputed. Nothing is ever recomputed
 * from the whole history.
 */
final class Rollups {
  private static final Duration ONE_MINUTE = Duration.ofMinutes(1);

  private Rollups() {}

  /**
   * Where closed minutes end (set to {@code initial} the first time), locked until the transaction
   * ends. Exclusively, for the closer and for a writer lane refreshing late samples alike: two
   * refreshes of one minute or hour in parallel would each recompute it without the other's
   * uncommitted rows, and the later commit would overwrite the earlier with a stale aggregate.
   */
  static Instant lockWatermark(Connection c, Instant initial) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO rollup_watermark (minutes_closed_through) VALUES (?)"
                + " ON CONFLICT (id) DO NOTHING")) {
      ps.setObject(1, utc(initial));
      ps.executeUpdate();
    }
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT minutes_closed_through FROM rollup_watermark FOR UPDATE")) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class).toInstant();
    }
  }

  /** Recomputes the closed minutes, and their hours, that samples of this batch fell into. */
  static void refreshLate(Connection c, List<VmSample> batch, Instant watermark)
      throws SQLException {
    Map<Instant, Set<UUID>> lateMinutes = new TreeMap<>();
    Map<Instant, Set<UUID>> lateHours = new TreeMap<>();
    for (VmSample s : batch) {
      if (s.at().isBefore(watermark)) {
        UUID uid = UUID.fromString(s.vmUid());
        lateMinutes
            .computeIfAbsent(s.at().truncatedTo(ChronoUnit.MINUTES), m -> new HashSet<>())
            .add(uid);
        lateHours
            .computeIfAbsent(s.at().truncatedTo(ChronoUnit.HOURS), h -> new HashSet<>())
            .add(uid);
      }
    }
    for (var minute : lateMinutes.entrySet()) {
      run(
          c,
          RollupSql.REFRESH_MINUTES,
          minute.getKey(),
          minute.getKey().plus(ONE_MINUTE),
          minute.getValue());
    }
    for (var hour : lateHours.entrySet()) {
      Instant end = hour.getKey().plus(Duration.ofHours(1));
      run(
          c,
          RollupSql.REFRESH_HOURS,
          hour.getKey(),
          end.isBefore(watermark) ? end : watermark,
          hour.getValue());
    }
  }

  /** How far minutes are closed, and how many were written from memory or computed from raw. */
  record Closing(Instant through, int fromSamples, int fromRaw) {}

  /**
   * Closes the minutes from the watermark to {@code through}: from the aggregates in memory where
   * they are complete, otherwise from raw rows; then merges them into their hours.
   */
  static Closing close(Connection c, Instant watermark, Instant through, MinuteAggregates memory)
      throws SQLException {
    Instant closeTo = through.truncatedTo(ChronoUnit.MINUTES);
    if (!closeTo.isAfter(watermark)) {
      return new Closing(watermark, 0, 0);
    }
    int fromSamples = 0;
    int fromRaw = 0;
    Instant rawFrom = null;
    for (Instant m = watermark; m.isBefore(closeTo); m = m.plus(ONE_MINUTE)) {
      if (memory.complete(m)) {
        if (rawFrom != null) {
          run(c, RollupSql.CLOSE_MINUTES, rawFrom, m, null);
          rawFrom = null;
        }
        MinuteCopy.copy(c, memory.of(m));
        fromSamples++;
      } else {
        rawFrom = rawFrom == null ? m : rawFrom;
        fromRaw++;
      }
    }
    if (rawFrom != null) {
      run(c, RollupSql.CLOSE_MINUTES, rawFrom, closeTo, null);
    }
    run(c, RollupSql.MERGE_HOURS, watermark, closeTo, null);
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE rollup_watermark SET minutes_closed_through = ?")) {
      ps.setObject(1, utc(closeTo));
      ps.executeUpdate();
    }
    return new Closing(closeTo, fromSamples, fromRaw);
  }

  private static void run(Connection c, String sql, Instant from, Instant to, Set<UUID> vms)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, utc(from));
      ps.setObject(2, utc(to));
      if (vms != null) {
        Array uuids = c.createArrayOf("uuid", vms.toArray());
        ps.setArray(3, uuids);
      }
      ps.executeUpdate();
    }
  }
}
