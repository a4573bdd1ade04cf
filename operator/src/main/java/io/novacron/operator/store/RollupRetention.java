package io.novacron.operator.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/** Deletes rollup buckets older than each rollup's own retention. */
public final class RollupRetention {
  private final Duration minuteRetention;
  private final Duration hourRetention;

  public RollupRetention(Duration minuteRetention, Duration hourRetention) {
    this.minuteRetention = minuteRetention;
    this.hourRetention = hourRetention;
  }

  /** Returns how many rollup rows were deleted. */
  public int apply(Connection c, Instant now) throws SQLException {
    return delete(c, "vm_rollup_1m", now.minus(minuteRetention))
        + delete(c, "vm_rollup_1h", now.minus(hourRetention));
  }

  private static int delete(Connection c, String table, Instant before) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE bucket < ?")) {
      ps.setObject(1, Timestamps.utc(before));
      return ps.executeUpdate();
    }
  }
}
