package io.novacron.operator.store;

import static io.novacron.operator.store.Timestamps.utc;
import static java.time.temporal.ChronoUnit.HOURS;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Every VM's aggregate over the dashboard's standard windows, recomputed from the rollups when
 * minutes close (table {@code vm_window_summary}), so a summary over 10,000 VMs reads 10,000 rows.
 */
public final class WindowSummaries {
  /** A standard window: its name, its length, and the bucket its start is rounded down to. */
  public enum Window {
    LAST_HOUR("1h", Duration.ofHours(1), ChronoUnit.MINUTES),
    LAST_DAY("24h", Duration.ofHours(24), ChronoUnit.HOURS);

    private final String label;
    private final Duration length;
    private final ChronoUnit bucket;

    Window(String label, Duration length, ChronoUnit bucket) {
      this.label = label;
      this.length = length;
      this.bucket = bucket;
    }

    public String label() {
      return label;
    }

    public static Optional<Window> of(Duration length) {
      for (Window w : values()) {
        if (w.length.equals(length)) {
          return Optional.of(w);
        }
      }
      return Optional.empty();
    }
  }

  private WindowSummaries() {}

  /**
   * Recomputes every window so it ends at {@code through} (where closed minutes end). Whole hours
   * are read from the hour rollups, which hold every closed minute (the current hour's row too, as
   * far as minutes have closed), and only the minutes before the window's first whole hour from the
   * minute rollups: the last hour then reads on average half of its 60 minute rows per VM, and none
   * when it starts on the hour, for the same sums and maxima.
   */
  static void refresh(Connection c, Instant through) throws SQLException {
    for (Window w : Window.values()) {
      Instant from = through.minus(w.length).truncatedTo(w.bucket);
      Instant firstWholeHour = from.plus(Duration.ofHours(1)).minusNanos(1).truncatedTo(HOURS);
      try (PreparedStatement delete =
              c.prepareStatement("DELETE FROM vm_window_summary WHERE window_name = ?");
          PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO vm_window_summary SELECT ?, vm_uid, ?, ?, sum(samples),"
                      + " sum(cpu_sum), max(cpu_max), max(mem_max) FROM ("
                      + "SELECT vm_uid, samples, cpu_sum, cpu_max, mem_max FROM vm_rollup_1m"
                      + " WHERE bucket >= ? AND bucket < ?"
                      + " UNION ALL SELECT vm_uid, samples, cpu_sum, cpu_max, mem_max"
                      + " FROM vm_rollup_1h WHERE bucket >= ? AND bucket < ?) r GROUP BY vm_uid")) {
        delete.setString(1, w.label);
        delete.executeUpdate();
        insert.setString(1, w.label);
        insert.setObject(2, utc(from));
        insert.setObject(3, utc(through));
        insert.setObject(4, utc(from));
        insert.setObject(5, utc(firstWholeHour));
        insert.setObject(6, utc(firstWholeHour));
        insert.setObject(7, utc(through));
        insert.executeUpdate();
      }
    }
  }
}
