package io.novacron.operator.store;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.novacron.operator.DaemonThreads;
import io.novacron.operator.metrics.HostSample;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import io.novacron.operator.metrics.Sample;
import io.novacron.operator.metrics.SampleSink;
import io.novacron.operator.metrics.VmSample;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes samples to PostgreSQL in batches ({@link BatchStore}: COPY, idempotent keys) from a
 * bounded in-memory queue, drained by a few writer threads, each with one pooled connection at a
 * time: while one sorts its next batch and folds the last into the minute aggregates, another's
 * COPY keeps the server busy. A closer thread, with its own connection, closes rollup minutes
 * behind them ({@link Rollups}) from aggregates the writers keep of what they stored ({@link
 * MinuteAggregates}). A writer waits for the closer only when a batch holds samples of minutes
 * already closed or being closed. While the database is down each writer keeps its failed batch and
 * retries it with backoff, and new samples wait in the queue; beyond the queue's bound the oldest
 * are dropped, counted and logged. No sample within the bound is lost.
 */
public final class SampleWriter implements SampleSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SampleWriter.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final Duration MAINTENANCE_EVERY = Duration.ofHours(1);
  private static final Duration CLOSE_EVERY = Duration.ofMillis(500);

  private final ConnectionSource connections;
  private final PartitionMaintainer partitions;
  private final RollupRetention rollupRetention;
  private final int capacity;
  private final int batchSize;
  private final Duration closeDelay;
  private final Clock clock;
  private final Deque<Sample> queue = new ArrayDeque<>();
  private final Map<String, RunningVm> knownIdentities = new ConcurrentHashMap<>();
  private final Map<String, RunningVm> unwrittenIdentities = new ConcurrentHashMap<>();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong expired = new AtomicLong();
  private final MinuteAggregates aggregates;
  private final AtomicLong minutesFromSamples = new AtomicLong();
  private final AtomicLong minutesFromRaw = new AtomicLong();
  private final List<Lane> lanes = new ArrayList<>();
  private volatile boolean running = true;
  private volatile boolean healthy = true;
  private final Timer writeTimer;
  // guarded by queue: minutes before it are closed or being closed
  private Instant closing = Instant.MIN;
  private boolean watermarkKnown; // guarded by queue
  private final Thread closer;
  private final Object closerWake = new Object();
  private volatile Instant rolledUpThrough = Instant.MIN;
  private Instant nextMaintenance = Instant.MIN; // guarded by this

  public SampleWriter(
      ConnectionSource connections,
      PartitionMaintainer partitions,
      RollupRetention rollupRetention,
      int capacity,
      int batchSize,
      int writers,
      Duration closeDelay,
      Clock clock,
      MeterRegistry meters) {
    this.connections = connections;
    this.partitions = partitions;
    this.rollupRetention = rollupRetention;
    this.capacity = capacity;
    this.batchSize = batchSize;
    this.closeDelay = closeDelay;
    this.clock = clock;
    this.aggregates = new MinuteAggregates(clock.instant());
    for (int i = 1; i <= writers; i++) {
      lanes.add(new Lane("sample-writer-" + i));
    }
    this.closer = DaemonThreads.named("rollup-closer").newThread(this::closeMinutes);
    this.writeTimer =
        Timer.builder("novacron.samples.write")
            .description("Time to write one batch of samples")
            .publishPercentileHistogram()
            .register(meters);
    FunctionCounter.builder("novacron.samples.written", written, AtomicLong::get)
        .description("Samples stored in the metric history")
        .register(meters);
    FunctionCounter.builder("novacron.samples.dropped", dropped, AtomicLong::get)
        .description("Samples dropped because the queue was full")
        .register(meters);
    FunctionCounter.builder("novacron.samples.expired", expired, AtomicLong::get)
        .description("Samples outside the retention, never stored")
        .register(meters);
    FunctionCounter.builder("novacron.rollup.minutes", minutesFromSamples, AtomicLong::get)
        .description("Minutes closed into the rollups, by where their rows came from")
        .tag("source", "samples")
        .register(meters);
    FunctionCounter.builder("novacron.rollup.minutes", minutesFromRaw, AtomicLong::get)
        .description("Minutes closed into the rollups, by where their rows came from")
        .tag("source", "raw")
        .register(meters);
    Gauge.builder("novacron.samples.queue.depth", this, SampleWriter::backlog)
        .description("Samples waiting to be written")
        .register(meters);
  }

  public SampleWriter start() {
    lanes.forEach(lane -> lane.thread.start());
    closer.start();
    return this;
  }

  @Override
  public void accept(RunningVm vm, VmSample sample) {
    if (!vm.equals(knownIdentities.put(vm.uid(), vm))) {
      unwrittenIdentities.put(vm.uid(), vm);
    }
    offer(sample);
  }

  @Override
  public void acceptHost(HostSample sample) {
    offer(sample);
  }

  @Override
  public void retainOnly(Set<String> runningVmUids) {
    knownIdentities.keySet().retainAll(runningVmUids);
  }

  /** Queues a sample; never blocks. When the queue is full the oldest sample is dropped. */
  public void offer(Sample sample) {
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

  /** Samples waiting, including batches being written or retried. */
  public int backlog() {
    synchronized (queue) {
      return queue.size() + lanes.stream().mapToInt(lane -> lane.pending.size()).sum();
    }
  }

  private int queued() {
    synchronized (queue) {
      return queue.size();
    }
  }

  /** False while the database refuses writes. */
  public boolean healthy() {
    return healthy;
  }

  /** One writer thread and the batch it is writing (kept across retries). */
  private final class Lane {
    final Thread thread;
    volatile List<Sample> pending = List.of(); // read by backlog() from other threads
    Instant pendingOldest; // guarded by queue: the oldest sample of the pending batch

    Lane(String name) {
      thread = DaemonThreads.named(name).newThread(this::run);
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
          synchronized (queue) {
            pending = List.of();
            pendingOldest = null;
          }
          if (backlog() == 0) {
            wakeCloser(); // the minutes these samples held back can close now, not in up to 0.5 s
          }
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

    private List<Sample> takeBatch() {
      synchronized (queue) {
        if (queue.isEmpty()) {
          try {
            queue.wait(1000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
          }
        }
        List<Sample> batch = new ArrayList<>(Math.min(batchSize, queue.size()));
        while (!queue.isEmpty() && batch.size() < batchSize) {
          Sample s = queue.removeFirst();
          if (pendingOldest == null || s.at().isBefore(pendingOldest)) {
            pendingOldest = s.at();
          }
          batch.add(s);
        }
        return batch;
      }
    }
  }

  private void write(List<Sample> batch) throws SQLException {
    long started = System.nanoTime();
    Instant now = clock.instant();
    try (Connection c = connections.connect()) {
      c.setAutoCommit(false);
      maintainIfDue(c, now);
      Instant from = partitions.firstKeptInstant(now);
      Instant until = partitions.lastPartitionEnd(now);
      List<VmSample> vms = new ArrayList<>();
      List<HostSample> hosts = new ArrayList<>();
      int outsideRetention = 0;
      for (Sample s : batch) {
        if (s.at().isBefore(from) || !s.at().isBefore(until)) {
          outsideRetention++;
        } else if (s instanceof VmSample vm) {
          vms.add(vm);
        } else if (s instanceof HostSample host) {
          hosts.add(host);
        }
      }
      Map<String, RunningVm> identities = claimIdentities();
      List<KeyOrder.Row> rows = KeyOrder.of(vms);
      boolean allNew;
      boolean late;
      try {
        allNew = BatchStore.write(c, rows, hosts, identities.values());
        late = hasSamplesBefore(vms, closingStart());
        if (late) {
          // the lock waits for a closing or another lane's late refresh in progress to commit;
          // the minutes closed without this batch's rows are recomputed here, in its transaction
          Instant watermark = Rollups.lockWatermark(c, from);
          Rollups.refreshLate(c, vms, watermark);
          closingAtLeast(watermark);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        identities.forEach(unwrittenIdentities::putIfAbsent); // unless replaced meanwhile
        throw e;
      }
      // still pending, so none of these minutes is being closed
      if (allNew && !late) {
        aggregates.add(rows);
      } else {
        aggregates.closeFromRaw(vms);
      }
      expired.addAndGet(outsideRetention); // counted once, not again when a batch is retried
    }
    writeTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
  }

  /** Partitions ahead, expired ones dropped, rollup retention: by one writer, once an hour. */
  private synchronized void maintainIfDue(Connection c, Instant now) throws SQLException {
    if (!now.isBefore(nextMaintenance)) {
      partitions.ensurePartitions(c, now);
      partitions.dropExpired(c, now);
      rollupRetention.apply(c, now);
      c.commit();
      nextMaintenance = now.plus(MAINTENANCE_EVERY);
    }
  }

  /**
   * The VM identities no batch has written yet, taken by this batch: two writers upserting the same
   * rows could deadlock.
   */
  private Map<String, RunningVm> claimIdentities() {
    Map<String, RunningVm> claimed = new HashMap<>();
    unwrittenIdentities.forEach(
        (uid, vm) -> {
          if (unwrittenIdentities.remove(uid, vm)) {
            claimed.put(uid, vm);
          }
        });
    return claimed;
  }

  /**
   * Where closed or closing minutes end, as far as this writer knows; before its first batch it
   * knows nothing (the database may hold a watermark from an earlier run).
   */
  private Instant closingStart() {
    synchronized (queue) {
      return watermarkKnown ? closing : Instant.MAX;
    }
  }

  private void closingAtLeast(Instant minute) {
    synchronized (queue) {
      watermarkKnown = true;
      if (minute.isAfter(closing)) {
        closing = minute;
      }
    }
  }

  private static boolean hasSamplesBefore(List<VmSample> vms, Instant instant) {
    for (VmSample s : vms) {
      if (s.at().isBefore(instant)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Closes rollup minutes on its own connection, concurrently with the writer's COPY, behind the
   * samples: past the close delay, and never past the oldest sample queued or being written.
   */
  private void closeMinutes() {
    while (running) {
      Instant now = clock.instant();
      if (!closeThrough(now).truncatedTo(ChronoUnit.MINUTES).isAfter(rolledUpThrough)) {
        awaitCloserWake(); // no minute can close yet: no need to ask the database
        continue;
      }
      boolean caughtUp = true;
      try (Connection c = connections.connect()) {
        c.setAutoCommit(false);
        Instant from = partitions.firstKeptInstant(now);
        Instant through = startClosing(now);
        Instant watermark = Rollups.lockWatermark(c, from);
        aggregates.forgetBefore(watermark);
        Rollups.Closing closed = Rollups.close(c, watermark, through, aggregates);
        c.commit();
        aggregates.forgetBefore(closed.through());
        minutesFromSamples.addAndGet(closed.fromSamples());
        minutesFromRaw.addAndGet(closed.fromRaw());
        // samples written while this closing ran may let more minutes close: those first, since
        // refreshing the dashboard windows (~0.5 s for 10,000 VMs) is wasted on minutes still open
        caughtUp = !closeThrough(clock.instant()).truncatedTo(ChronoUnit.MINUTES).isAfter(through);
        if (closed.through().isAfter(watermark) && caughtUp && queued() < batchSize) {
          WindowSummaries.refresh(c, closed.through());
          c.commit();
        }
        rolledUpThrough = closed.through();
      } catch (SQLException | RuntimeException e) {
        log.debug("Closing rollup minutes failed, will retry: {}", e.getMessage());
      }
      // while a backlog drains, closings stay spaced: each one merges its minutes into 10,000 hours
      if (caughtUp || queued() >= batchSize) {
        awaitCloserWake();
      }
    }
  }

  /** The closer rests until the next check, or until the writers have drained their backlog. */
  private void awaitCloserWake() {
    synchronized (closerWake) {
      try {
        closerWake.wait(CLOSE_EVERY.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  private void wakeCloser() {
    synchronized (closerWake) {
      closerWake.notifyAll();
    }
  }

  /**
   * The minute to close through, published in the same step as it is chosen: a batch taken later
   * with samples before it then waits for this closing and recomputes what it missed.
   */
  private Instant startClosing(Instant now) {
    synchronized (queue) {
      Instant through = closeThrough(now).truncatedTo(ChronoUnit.MINUTES);
      if (through.isAfter(closing)) {
        closing = through;
      }
      return through;
    }
  }

  private Instant closeThrough(Instant now) {
    Instant through = now.minus(closeDelay);
    synchronized (queue) {
      Sample oldestWaiting = queue.peekFirst();
      if (oldestWaiting != null && oldestWaiting.at().isBefore(through)) {
        through = oldestWaiting.at();
      }
      for (Lane lane : lanes) {
        if (lane.pendingOldest != null && lane.pendingOldest.isBefore(through)) {
          through = lane.pendingOldest;
        }
      }
    }
    return through;
  }

  /** Where the rollups (and, when caught up, the window aggregates) are complete. */
  public Instant rolledUpThrough() {
    return rolledUpThrough;
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
    lanes.forEach(lane -> lane.thread.interrupt());
    closer.interrupt();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
