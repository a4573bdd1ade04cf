package io.novacron.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.novacron.operator.metrics.Sample;
import io.novacron.operator.store.Database;
import io.novacron.operator.store.DatabaseSettings;
import io.novacron.operator.store.PartitionMaintainer;
import io.novacron.operator.store.RollupRetention;
import io.novacron.operator.store.SampleWriter;
import io.novacron.operator.testing.SettableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A fresh embedded PostgreSQL, as the operator runs it by default, and its real writer. */
final class BenchDatabase implements AutoCloseable {
  final Database database;
  final SampleWriter writer;

  final SettableClock clock;

  /**
   * {@code replayStart}: the writer's clock until samples are offered, before the oldest one. The
   * clock then follows the replayed samples, so minutes close behind them as they would live (past
   * data against the wall clock would make every sample "late").
   */
  BenchDatabase(Path dir, int queueCapacity, int writers, Instant replayStart) throws IOException {
    clock = new SettableClock(replayStart);
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    database = Database.open(new DatabaseSettings(null, null, null, dir));
    writer =
        new SampleWriter(
                () -> database.dataSource().getConnection(),
                new PartitionMaintainer(7, 3),
                new RollupRetention(Duration.ofDays(30), Duration.ofDays(365)),
                queueCapacity,
                50_000,
                writers,
                Duration.ofSeconds(25),
                clock,
                new SimpleMeterRegistry())
            .start();
  }

  /**
   * Offers every sample, with the writer's clock just past the newest one, and waits until all are
   * written and their minutes closed into the rollups; returns the seconds it took.
   */
  double writeAll(List<? extends Sample> samples) throws InterruptedException {
    Instant newest = samples.get(samples.size() - 1).at();
    clock.set(newest.plusSeconds(90)); // past the close delay and the newest sample's minute
    long before = writer.written();
    long started = System.nanoTime();
    samples.forEach(writer::offer);
    while (writer.written() - before < samples.size()
        || !writer.rolledUpThrough().isAfter(newest)) {
      if (writer.dropped() > 0) {
        throw new IllegalStateException("the writer dropped samples; raise the queue capacity");
      }
      Thread.sleep(5);
    }
    return (System.nanoTime() - started) / 1e9;
  }

  String settings() throws SQLException {
    return "PostgreSQL "
        + scalar("SHOW server_version")
        + " (embedded), fsync="
        + scalar("SHOW fsync")
        + ", synchronous_commit="
        + scalar("SHOW synchronous_commit")
        + ", shared_buffers="
        + scalar("SHOW shared_buffers");
  }

  String scalar(String sql) throws SQLException {
    try (Connection c = connection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection c = connection();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  Connection connection() throws SQLException {
    return database.dataSource().getConnection();
  }

  @Override
  public void close() {
    writer.close(Duration.ofSeconds(1));
    database.close();
  }
}
