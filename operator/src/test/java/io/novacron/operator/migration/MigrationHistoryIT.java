package io.novacron.operator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.novacron.crds.common.MigrationMode;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.migration.MigrationSpec;
import io.novacron.crds.migration.MigrationStatus;
import io.novacron.operator.store.Database;
import io.novacron.operator.store.DatabaseSettings;
import io.novacron.operator.testing.Directories;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Finished Migrations land in migration_history of a real (embedded) PostgreSQL, once each. */
class MigrationHistoryIT {
  private Database db;

  @BeforeEach
  void start() throws Exception {
    Path dir = Path.of("target/migration-history-it").toAbsolutePath();
    Directories.deleteRecursively(dir);
    db = Database.open(new DatabaseSettings(null, null, null, dir));
  }

  @AfterEach
  void stop() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void aFinishedMigrationIsStoredOnceWithItsFigures() throws Exception {
    Migration m = finished();
    MigrationHistory history = new MigrationHistory(() -> db.dataSource().getConnection());
    assertThat(history.record(m).get()).isTrue();
    assertThat(history.record(m).get()).as("a retried finish is not stored twice").isTrue();
    history.close();

    try (Connection c = db.dataSource().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*) OVER (), vm_name, source_host, target_host, mode, outcome,"
                        + " downtime_ms, bytes_transferred, duration_ms, post_copy"
                        + " FROM migration_history")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(1);
      assertThat(rs.getString("vm_name")).isEqualTo("web");
      assertThat(rs.getString("source_host")).isEqualTo("host1");
      assertThat(rs.getString("target_host")).isEqualTo("host2");
      assertThat(rs.getString("mode")).isEqualTo("Live");
      assertThat(rs.getString("outcome")).isEqualTo("Succeeded");
      assertThat(rs.getLong("downtime_ms")).isEqualTo(17);
      assertThat(rs.getLong("bytes_transferred")).isEqualTo(91_000_000L);
      assertThat(rs.getLong("duration_ms")).isEqualTo(640);
      assertThat(rs.getBoolean("post_copy")).isFalse();
    }
  }

  @Test
  void aFailedWriteIsReportedAndNeverThrows() throws Exception {
    MigrationHistory history =
        new MigrationHistory(
            () -> {
              throw new java.sql.SQLException("database is away");
            });
    assertThat(history.record(finished()).get()).isFalse();
    history.close();
  }

  private static Migration finished() {
    Migration m = new Migration();
    m.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("ns")
            .withName("move-web")
            .withUid(UUID.randomUUID().toString())
            .build());
    m.setSpec(new MigrationSpec());
    m.getSpec().vmName = "web";
    m.getSpec().mode = MigrationMode.Live;
    MigrationStatus s = new MigrationStatus();
    s.phase = MigrationStatus.Phase.Succeeded;
    s.vmUid = UUID.randomUUID().toString();
    s.nodePool = "local";
    s.sourceHost = "host1";
    s.targetHost = "host2";
    s.startTime = "2026-11-22T12:00:00Z";
    s.completionTime = "2026-11-22T12:00:01Z";
    s.durationMillis = 640L;
    s.downtimeMillis = 17L;
    s.bytesTransferred = 91_000_000L;
    m.setStatus(s);
    return m;
  }
}
