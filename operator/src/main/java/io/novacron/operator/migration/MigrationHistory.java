package io.novacron.operator.migration;

import io.novacron.crds.migration.Migration;
import io.novacron.crds.migration.MigrationStatus;
import io.novacron.operator.DaemonThreads;
import io.novacron.operator.store.ConnectionSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores each finished Migration in PostgreSQL's migration_history. Writes happen off the reconcile
 * thread (the database may be slow or away); a write that fails is logged and the Migration's own
 * status still carries the figures.
 */
public final class MigrationHistory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MigrationHistory.class);
  private static final String INSERT =
      "INSERT INTO migration_history (migration_uid, namespace, name, vm_uid, vm_name, node_pool,"
          + " source_host, target_host, mode, outcome, started_at, finished_at, duration_ms,"
          + " downtime_ms, bytes_transferred, post_copy, reason)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (migration_uid) DO NOTHING";

  private static final Duration DRAIN = Duration.ofSeconds(10);

  private final ConnectionSource database;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(DaemonThreads.named("migration-history"));

  public MigrationHistory(ConnectionSource database) {
    this.database = database;
  }

  /** Records the finished {@code migration}; the future tells whether it was stored. */
  CompletableFuture<Boolean> record(Migration migration) {
    return CompletableFuture.supplyAsync(() -> write(migration), writer);
  }

  private boolean write(Migration m) {
    MigrationStatus s = m.getStatus();
    try (Connection c = database.connect();
        PreparedStatement st = c.prepareStatement(INSERT)) {
      st.setObject(1, UUID.fromString(m.getMetadata().getUid()));
      st.setString(2, m.getMetadata().getNamespace());
      st.setString(3, m.getMetadata().getName());
      st.setObject(4, UUID.fromString(s.vmUid));
      st.setString(5, m.getSpec().vmName);
      st.setString(6, s.nodePool);
      st.setString(7, s.sourceHost);
      st.setString(8, s.targetHost);
      st.setString(9, m.getSpec().mode.name());
      st.setString(10, s.phase.name());
      st.setTimestamp(11, timestamp(s.startTime));
      st.setTimestamp(12, timestamp(s.completionTime));
      setLong(st, 13, s.durationMillis);
      setLong(st, 14, s.downtimeMillis);
      setLong(st, 15, s.bytesTransferred);
      st.setBoolean(16, Boolean.TRUE.equals(s.postCopyStarted));
      st.setString(17, s.failureReason);
      st.executeUpdate();
      return true;
    } catch (SQLException | RuntimeException e) {
      log.warn(
          "Could not store Migration {}/{} in the migration history: {}",
          m.getMetadata().getNamespace(),
          m.getMetadata().getName(),
          e.getMessage());
      return false;
    }
  }

  private static Timestamp timestamp(String rfc3339) {
    return rfc3339 == null ? null : Timestamp.from(Instant.parse(rfc3339));
  }

  private static void setLong(PreparedStatement st, int index, Long value) throws SQLException {
    if (value == null) {
      st.setNull(index, Types.BIGINT);
    } else {
      st.setLong(index, value);
    }
  }

  /** Writes what is queued (for up to {@link #DRAIN}), then stops. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("Migration history writes still pending at shutdown were dropped");
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
