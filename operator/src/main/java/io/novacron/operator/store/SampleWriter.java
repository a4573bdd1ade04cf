package io.novacron.operator.store;

import io.novacron.operator.DaemonThreads;
import io.novacron.operator.metrics.VmSample;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes samples to PostgreSQL in batches through COPY, from a bounded in-memory queue. A batch
 * goes into a temporary staging table, then into {@code vm_samples} with ON CONFLICT DO NOTHING, so
 * a retried batch never duplicates rows. While the database is down the failed batch is kept and
 * retried with backoff and new samples wait in the queue; beyond the queue's bound the oldest are
 * dropped, counted and logged. No sample within the bound is lost.
 */
public final class SampleWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SampleWriter.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final Duration MAINTENANCE_EVERY = Duration.ofHours(1);

  private final ConnectionSource connections;
  private final PartitionMaintainer partitions;
  private final RollupRetention rollupRetention;
  private final int capacity;
  private final int batchSize;
  private final Clock clock;
  private final Deque<VmSample> queue = new ArrayDeque<>();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong expired = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean healthy = true;
  private volatile List<VmSample> pending = List.of(); // read by backlog() from other threads
  private Instant nextMaintenance = Instant.MIN;

  public SampleWriter(
      ConnectionSource connections,
      PartitionMaintainer partitions,
      RollupRetention rollupRetention,
      int capacity,
      int batchSize,
      Clock clock) {
    this.connections = connections;
    this.partitions = partitions;
    this.rollupRetention = rollupRetention;
    this.capacity = capacity;
    this.batchSize = batchSize;
    this.clock = clock;
    this.thread = DaemonThreads.named("sample-writer").newThread(this::run);
  }

  public SampleWriter start() {
    thread.start();
    return this;
  }

  /** Queues a sample; never blocks. When the queue is full the oldest sample is dropped. */
  public void offer(VmSample sample) {
    synchronized (queue) {
      if (queue.size() >= capacity) {
        queue.removeFirst();
        if (dropped.incrementAndGet() == 1 || dropped.get() % 10_000 == 0) {
          log.warn(
              "Sample queue full ({} samples): dropping the oldest, {} dropped so far",
              capacity,
              dropped.get());
        }
      }
      queue.addLast(sample);
      queue.notifyAll();
    }
  }

  public long written() {
    return written.get();
  }

  /** Samples dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Samples older than the retention (or beyond the partitions ahead), never stored. */
  public long expired() {
    return expired.get();
  }

  /** Samples waiting, including a batch that failed and will be retried. */
  public int backlog() {
    synchronized (queue) {
      return queue.size() + pending.size();
    }
  }

  /** False while the database refuses writes. */
  public boolean healthy() {
    return healthy;
  }

  private void run() {
    int failures = 0;
    while (running) {
      if (pending.isEmpty()) {
        pending = takeBatch();
      }
      if (pending.isEmpty()) {
        continue;
      }
      try {
        write(pending);
        written.addAndGet(pending.size());
        pending = List.of();
        if (!healthy) {
          log.info("Metric database writable again; backlog {}", backlog());
        }
        healthy = true;
        failures = 0;
      } catch (SQLException | RuntimeException e) {
        if (healthy) {
          log.warn("Writing samples failed, will retry: {}", e.getMessage());
        }
        healthy = false;
        sleep(backoff(++failures));
      }
    }
  }

  private List<VmSample> takeBatch() {
    synchronized (queue) {
      if (queue.isEmpty()) {
        try {
          queue.wait(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          running = false;
        }
      }
      List<VmSample> batch = new ArrayList<>(Math.min(batchSize, queue.size()));
      while (!queue.isEmpty() && batch.size() < batchSize) {
        batch.add(queue.removeFirst());
      }
      return batch;
    }
  }

  private void write(List<VmSample> batch) throws SQLException {
    Instant now = clock.instant();
    try (Connection c = connections.connect()) {
      c.setAutoCommit(false);
      if (!now.isBefore(nextMaintenance)) {
        partitions.ensurePartitions(c, now);
        partitions.dropExpired(c, now);
        rollupRetention.apply(c, now);
        c.commit();
        nextMaintenance = now.plus(MAINTENANCE_EVERY);
      }
      Instant from = partitions.firstKeptDay(now).atStartOfDay().toInstant(ZoneOffset.UTC);
      Instant until = partitions.lastPartitionEnd(now);
      List<VmSample> storable =
          batch.stream().filter(s -> !s.at().isBefore(from) && s.at().isBefore(until)).toList();
      expired.addAndGet(batch.size() - storable.size());
      try (Statement st = c.createStatement()) {
        st.execute(
            "CREATE TEMP TABLE IF NOT EXISTS vm_samples_staging (LIKE vm_samples)"
                + " ON COMMIT DELETE ROWS");
      }
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(
              "COPY vm_samples_staging FROM STDIN WITH (FORMAT csv)",
              new StringReader(csv(storable)));
      try (Statement st = c.createStatement()) {
        st.execute(RollupSql.INSERT_WITH_ROLLUPS);
      }
      c.commit();
    } catch (java.io.IOException e) {
      throw new SQLException("COPY failed: " + e.getMessage(), e);
    }
  }

  /** CSV rows in vm_samples' column order; an unquoted empty field is NULL. */
  static String csv(List<VmSample> samples) {
    StringBuilder sb = new StringBuilder(samples.size() * 120);
    for (VmSample s : samples) {
      sb.append(s.vmUid())
          .append(',')
          .append(s.at())
          .append(',')
          .append(s.cpuPercent())
          .append(",\"{")
          .append(s.vcpuPercent().stream().map(String::valueOf).collect(Collectors.joining(",")))
          .append("}\",")
          .append(s.memoryUsedBytes() == null ? "" : s.memoryUsedBytes())
          .append(',')
          .append(s.memoryAvailableBytes() == null ? "" : s.memoryAvailableBytes())
          .append(',')
          .append(s.diskReadBytesPerSecond())
          .append(',')
          .append(s.diskWriteBytesPerSecond())
          .append(',')
          .append(s.diskReadOpsPerSecond())
          .append(',')
          .append(s.diskWriteOpsPerSecond())
          .append(',')
          .append(s.networkRxBytesPerSecond())
          .append(',')
          .append(s.networkTxBytesPerSecond())
          .append('\n');
    }
    return sb.toString();
  }

  private static Duration backoff(int failures) {
    Duration d = Duration.ofMillis(250L << Math.min(failures, 6));
    return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops the writer, giving it up to {@code grace} to write what is queued. */
  public void close(Duration grace) {
    Instant deadline = Instant.now().plus(grace);
    while (backlog() > 0 && healthy && Instant.now().isBefore(deadline)) {
      sleep(Duration.ofMillis(50));
    }
    running = false;
    thread.interrupt();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
