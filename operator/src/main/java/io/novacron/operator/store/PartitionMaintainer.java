package io.novacron.operator.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one partition per UTC day of each raw sample table ({@code vm_samples}, {@code
 * host_samples}): creates them a few days ahead and drops those wholly older than the retention.
 * Partition names carry their day ({@code vm_samples_p20261122}); names come from dates and the
 * fixed table list, never from user input.
 */
public final class PartitionMaintainer {
  static final String VM_TABLE = "vm_samples";
  static final List<String> TABLES = List.of(VM_TABLE, "host_samples");
  private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final Logger log = LoggerFactory.getLogger(PartitionMaintainer.class);

  private final int retentionDays;
  private final int daysAhead;

  public PartitionMaintainer(int retentionDays, int daysAhead) {
    this.retentionDays = retentionDays;
    this.daysAhead = daysAhead;
  }

  /** The first day whose samples are kept, for samples taken up to {@code now}. */
  public LocalDate firstKeptDay(Instant now) {
    return day(now).minusDays(retentionDays);
  }

  /** The start of the first kept day: samples taken before it are past the retention. */
  public Instant firstKeptInstant(Instant now) {
    return firstKeptDay(now).atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  /** The end of the last partition {@link #ensurePartitions} creates. */
  public Instant lastPartitionEnd(Instant now) {
    return day(now).plusDays(daysAhead + 1L).atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  /** Creates missing partitions from the first kept day to {@code daysAhead} after today. */
  public void ensurePartitions(Connection c, Instant now) throws SQLException {
    LocalDate last = day(now).plusDays(daysAhead);
    try (Statement st = c.createStatement()) {
      for (String table : TABLES) {
        for (LocalDate d = firstKeptDay(now); !d.isAfter(last); d = d.plusDays(1)) {
          createPartition(st, table, d);
        }
      }
    }
  }

  private static void createPartition(Statement st, String table, LocalDate d) throws SQLException {
    st.execute(
        "CREATE TABLE IF NOT EXISTS "
            + partitionName(table, d)
            + " PARTITION OF "
            + table
            + " FOR VALUES FROM ('"
            + d
            + " 00:00:00+00') TO ('"
            + d.plusDays(1)
            + " 00:00:00+00')");
  }

  /** Drops partitions whose whole day is before the first kept day; returns their names. */
  public List<String> dropExpired(Connection c, Instant now) throws SQLException {
    LocalDate firstKept = firstKeptDay(now);
    List<String> dropped = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (String table : TABLES) {
      all.addAll(partitions(c, table));
    }
    for (String name : all) {
      LocalDate d = LocalDate.parse(name.substring(name.length() - 8), SUFFIX);
      if (d.isBefore(firstKept)) {
        try (Statement st = c.createStatement()) {
          st.execute("DROP TABLE " + name);
        }
        dropped.add(name);
      }
    }
    if (!dropped.isEmpty()) {
      log.info("Dropped expired sample partitions {}", dropped);
    }
    return dropped;
  }

  /** Names of the existing day partitions of {@code table}, oldest first. */
  public List<String> partitions(Connection c, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT child.relname FROM pg_inherits"
                    + " JOIN pg_class child ON child.oid = pg_inherits.inhrelid"
                    + " JOIN pg_class parent ON parent.oid = pg_inherits.inhparent"
                    + " WHERE parent.relname = '"
                    + table
                    + "' ORDER BY child.relname")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  static String partitionName(String table, LocalDate day) {
    return table + "_p" + day.format(SUFFIX);
  }

  private static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }
}
