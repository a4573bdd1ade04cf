package io.novacron.bench;

import io.novacron.bench.forecast.ServedPool;
import io.novacron.operator.forecast.ModelTrainer;
import io.novacron.operator.forecast.TrainedModel;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The forecaster's memory in one process doing both of its jobs at once: serving forecasts for
 * 10,000 VMs on 1,000 hosts (a sample per VM and every VM forecast, once a second; the operator
 * forecasts once a minute) while one retraining at the operator's limits runs. Measured from before
 * the pool's state was built and PyTorch loaded: the most live heap, by a full collection every few
 * seconds (the heap left after G1's young collections also holds whatever garbage reached the old
 * generation, which a 4 GB heap leaves there for long: a first run read +481 MB that way), and the
 * anonymous resident memory beyond the start (native alone when the heap is pre-touched).
 */
final class WhileServing {
  private static final int VMS = 10_000;
  private static final int HOSTS = 1_000;
  private static final long CYCLE_MS = 1_000;

  private WhileServing() {}

  static void run(BenchDatabase db, ModelTrainer trainer, Instant now) throws Exception {
    long directLeftMb = ResidentMemory.directBytes() >> 20;
    double settleSeconds = releaseDirectBuffers();
    long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long residentBeforeKiB = ResidentMemory.anonymousKiB();
    long directBeforeMb = ResidentMemory.directBytes() >> 20;
    ExecutorService servingThread = Executors.newSingleThreadExecutor();
    try (LiveHeap heap = new LiveHeap();
        ResidentMemory.Peak resident = new ResidentMemory.Peak();
        ServedPool pool = newPool()) {
      pool.serveModels();
      AtomicBoolean training = new AtomicBoolean(true);
      Future<List<Double>> served = servingThread.submit(() -> serve(pool, training));
      long started = System.nanoTime();
      List<TrainedModel> models;
      try (Connection c = db.connection()) {
        models = trainer.train(c, now);
      } finally {
        training.set(false);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      List<Double> cycleMs = served.get();
      Collections.sort(cycleMs);
      long heapMb = Math.max(0, heap.peak() - heapBefore) >> 20;
      long nativeMb = (resident.kiB() - residentBeforeKiB) >> 10;
      System.out.printf(
          "  retraining at the operator's limits while serving %,d VMs: %.1f s, %d models;"
              + " %,d cycles served meanwhile (sample + forecast every VM), median %.0f ms, slowest"
              + " %.0f ms%n",
          VMS,
          seconds,
          models.size(),
          cycleMs.size(),
          cycleMs.get(cycleMs.size() / 2),
          cycleMs.get(cycleMs.size() - 1));
      System.out.printf(
          "  direct buffers held after writing the history %,d MB, %,d MB after collecting for %.0f"
              + " s; the measure starts there%n",
          directLeftMb, directBeforeMb, settleSeconds);
      System.out.printf(
          "  from before the pool's state and PyTorch: live heap at most +%,d MB (%d full"
              + " collections);"
              + " anonymous resident memory at most +%,d MB (native alone when the heap is"
              + " pre-touched), of which direct buffers at most %,d MB; together at most %,d MB"
              + " (the two peaks added, whether or not they came at once)%n",
          heapMb, heap.samples(), nativeMb, resident.directPeakBytes() >> 20, heapMb + nativeMb);
    } finally {
      servingThread.shutdownNow();
    }
  }

  /** The most heap a full collection, made every {@link #EVERY_MS}, left behind. */
  private static final class LiveHeap implements AutoCloseable {
    private static final long EVERY_MS = 5_000;
    private final ScheduledExecutorService collector = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicInteger samples = new AtomicInteger();

    LiveHeap() {
      collector.scheduleWithFixedDelay(
          () -> {
            System.gc();
            peak.accumulateAndGet(
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
            samples.incrementAndGet();
          },
          EVERY_MS,
          EVERY_MS,
          TimeUnit.MILLISECONDS);
    }

    long peak() {
      return peak.get();
    }

    int samples() {
      return samples.get();
    }

    @Override
    public void close() {
      collector.shutdownNow();
    }
  }

  /** PyTorch is loaded here, inside the measure, to train the model the pool serves. */
  private static ServedPool newPool() {
    Random random = new Random(3);
    return new ServedPool(VMS, HOSTS, random, ServedPool.randomWeights(random));
  }

  /**
   * Collects until the direct buffers left over from writing the history are released (within a
   * minute); freed later, in the middle of the run, they would hide as much native memory. Returns
   * the seconds it took.
   */
  private static double releaseDirectBuffers() throws InterruptedException {
    long started = System.nanoTime();
    for (int i = 0; i < 60 && ResidentMemory.directBytes() > 1 << 20; i++) {
      System.gc();
      Thread.sleep(1_000);
    }
    System.gc();
    return (System.nanoTime() - started) / 1e9;
  }

  /** Cycles until training ends; the milliseconds each took. */
  private static List<Double> serve(ServedPool pool, AtomicBoolean training)
      throws InterruptedException {
    List<Double> cycleMs = new ArrayList<>();
    while (training.get()) {
      long started = System.nanoTime();
      pool.sample(ServedPool.STEP);
      pool.forecaster().forecastAll();
      double tookMs = (System.nanoTime() - started) / 1e6;
      cycleMs.add(tookMs);
      Thread.sleep(Math.max(0, CYCLE_MS - (long) tookMs));
    }
    return cycleMs;
  }
}
