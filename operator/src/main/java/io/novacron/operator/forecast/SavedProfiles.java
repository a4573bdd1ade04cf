package io.novacron.operator.forecast;

import io.novacron.operator.store.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The VMs' daily profiles in PostgreSQL (table vm_daily_profiles): without them a restarted
 * operator would forecast every VM without its typical day, and serve the seasonal baseline as the
 * last value, for a day.
 */
public final class SavedProfiles {
  /** A profile holds at most a week of days; one not saved for that long is of a gone VM. */
  static final Duration KEPT = Duration.ofDays(7);

  private static final int BATCH = 500;

  private SavedProfiles() {}

  /** Saves every sampled VM's profiles and deletes those not saved for {@link #KEPT}. */
  public static int save(Connection c, Forecaster forecaster, Instant now) throws SQLException {
    int[] saved = {0};
    try (PreparedStatement upsert =
        c.prepareStatement(
            "INSERT INTO vm_daily_profiles (vm_uid, saved_at, profiles) VALUES (?, ?, ?)"
                + " ON CONFLICT (vm_uid) DO UPDATE"
                + " SET saved_at = excluded.saved_at, profiles = excluded.profiles")) {
      forecaster.saveProfiles(
          (uid, profiles) -> {
            upsert.setObject(1, UUID.fromString(uid));
            upsert.setObject(2, Timestamps.utc(now));
            upsert.setBytes(3, profiles);
            upsert.addBatch();
            if (++saved[0] % BATCH == 0) {
              upsert.executeBatch();
            }
          });
      upsert.executeBatch();
    }
    try (PreparedStatement delete =
        c.prepareStatement("DELETE FROM vm_daily_profiles WHERE saved_at < ?")) {
      delete.setObject(1, Timestamps.utc(now.minus(KEPT)));
      delete.executeUpdate();
    }
    return saved[0];
  }

  /** The profiles saved within {@link #KEPT} of {@code now}, by VM UID. */
  public static Map<String, byte[]> load(Connection c, Instant now) throws SQLException {
    Map<String, byte[]> out = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT vm_uid, profiles FROM vm_daily_profiles WHERE saved_at >= ?")) {
      ps.setObject(1, Timestamps.utc(now.minus(KEPT)));
      ps.setFetchSize(BATCH);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getObject(1, UUID.class).toString(), rs.getBytes(2));
        }
      }
    }
    return out;
  }
}
