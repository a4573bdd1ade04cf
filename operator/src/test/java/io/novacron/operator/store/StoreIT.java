package io.novacron.operator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.operator.testing.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The metric store on a real (embedded) PostgreSQL. */
class StoreIT {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final LocalDate TODAY = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
  private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

  private Path dataDir;
  private Database db;
  private final PartitionMaintainer partitions = new PartitionMaintainer(7, 3);

  @BeforeEach
  void start() throws Exception {
    dataDir = Path.of("target/store-it").toAbsolutePath();
    Directories.deleteRecursively(dataDir);
    db = Database.open(new DatabaseSettings(null, null, null, dataDir));
  }

  @AfterEach
  void stop() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void migratesFromEmptyAndCreatesDailyPartitionsAhead() throws Exception {
    try (Connection c = db.dataSource().getConnection()) {
      assertThat(scalar(c, "SELECT count(*) FROM flyway_schema_history WHERE success"))
          .isEqualTo(migrationFiles());
      partitions.ensurePartitions(c, NOW);
      List<String> names = partitions.partitions(c, PartitionMaintainer.VM_TABLE);
      assertThat(names)
          .hasSize(7 + 1 + 3)
          .startsWith(
              PartitionMaintainer.partitionName(PartitionMaintainer.VM_TABLE, TODAY.minusDays(7)))
          .endsWith(
              PartitionMaintainer.partitionName(PartitionMaintainer.VM_TABLE, TODAY.plusDays(3)));
      partitions.ensurePartitions(c, NOW); // idempotent
      assertThat(partitions.partitions(c, PartitionMaintainer.VM_TABLE)).isEqualTo(names);
    }
  }

  @Test
  void retentionDropsWholeExpiredDaysAndKeepsTheRest() throws Exception {
    try (Connection c = db.dataSource().getConnection()) {
      partitions.ensurePartitions(c, NOW);
      insert(c, "00000000-0000-0000-0000-000000000001", NOW.minus(6, ChronoUnit.DAYS));
      insert(c, "00000000-0000-0000-0000-000000000001", NOW);

      Instant threeDaysLater = NOW.plus(3, ChronoUnit.DAYS);
      List<String> dropped = partitions.dropExpired(c, threeDaysLater);

      List<String> expected = new ArrayList<>();
      for (String table : List.of(PartitionMaintainer.VM_TABLE, "host_samples")) {
        for (int daysAgo = 7; daysAgo >= 5; daysAgo--) {
          expected.add(PartitionMaintainer.partitionName(table, TODAY.minusDays(daysAgo)));
        }
      }
      assertThat(dropped).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(scalar(c, "SELECT count(*) FROM vm_samples"))
          .as("the 6-day-old row went with its day")
          .isEqualTo(1);
      assertThat(partitions.partitions(c, PartitionMaintainer.VM_TABLE).get(0))
          .isEqualTo(
              PartitionMaintainer.partitionName(PartitionMaintainer.VM_TABLE, TODAY.minusDays(4)));
    }
  }

  @Test
  void eachRollupKeepsItsOwnRetention() throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement()) {
      for (String table : List.of("vm_rollup_1m", "vm_rollup_1h")) {
        for (int daysAgo : new int[] {0, 40, 400}) {
          st.execute(
              "INSERT INTO "
                  + table
                  + " VALUES ('00000000-0000-0000-0000-000000000003', now() - interval '"
                  + daysAgo
                  + " days', 1, now(), 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,"
                  + " 0, 0, 0, 0, 0, 0, 0, 0)");
        }
      }
      int deleted =
          new RollupRetention(java.time.Duration.ofDays(30), java.time.Duration.ofDays(365))
              .apply(c, Instant.now());
      assertThat(deleted).isEqualTo(2 + 1);
      assertThat(scalar(c, "SELECT count(*) FROM vm_rollup_1m")).isEqualTo(1);
      assertThat(scalar(c, "SELECT count(*) FROM vm_rollup_1h")).isEqualTo(2);
    }
  }

  @Test
  void historySurvivesARestart() throws Exception {
    try (Connection c = db.dataSource().getConnection()) {
      partitions.ensurePartitions(c, NOW);
      insert(c, "00000000-0000-0000-0000-000000000002", NOW);
    }
    db.close();
    db = Database.open(new DatabaseSettings(null, null, null, dataDir));
    try (Connection c = db.dataSource().getConnection()) {
      assertThat(scalar(c, "SELECT count(*) FROM vm_samples")).isEqualTo(1);
      assertThat(scalar(c, "SELECT count(*) FROM flyway_schema_history WHERE success"))
          .isEqualTo(migrationFiles());
    }
  }

  private static void insert(Connection c, String uid, Instant ts) throws SQLException {
    try (var ps =
        c.prepareStatement(
            "INSERT INTO vm_samples VALUES (?::uuid, ?, 1, '{1}', 1, 1, 0, 0, 0, 0, 0, 0)")) {
      ps.setString(1, uid);
      ps.setObject(2, java.time.OffsetDateTime.ofInstant(ts, ZoneOffset.UTC));
      ps.executeUpdate();
    }
  }

  private static long scalar(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Every migration the source holds: all of them must have run. */
  private static long migrationFiles() throws Exception {
    try (var files = Files.list(MIGRATIONS)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".sql")).count();
    }
  }
}
