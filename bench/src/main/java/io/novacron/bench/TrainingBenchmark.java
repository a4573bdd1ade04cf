package io.novacron.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.novacron.operator.forecast.DjlSetup;
import io.novacron.operator.forecast.MlpForecaster;
import io.novacron.operator.forecast.ModelTrainer;
import io.novacron.operator.forecast.TrainedModel;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import io.novacron.operator.metrics.VmSample;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * One training run as the operator makes it (every resource, the standard plan), from history
 * written through the real writer into an embedded PostgreSQL: VMs × hours of 10-second samples
 * replayed from the shared traces. Timed, with the most heap a garbage collection left behind, and
 * the model's and the best baseline's validation error: with the operator's limits on rows, with a
 * fifth as many training rows, and (third argument {@code every-row}) with no limit, every row of
 * the history as the trainer learnt before the limits; that one needs minutes per million rows and
 * gigabytes. Third argument {@code while-serving} instead: one retraining at the operator's limits
 * while the same process serves forecasts for 10,000 VMs on 1,000 hosts, a cycle a second (the
 * operator runs one a minute), with the memory both take together measured from before PyTorch was
 * loaded. Args: [vms=200] [hours=48] [every-row | while-serving].
 */
public final class TrainingBenchmark {
  private static final Duration STEP = Duration.ofSeconds(10);
  private static final Duration HORIZON = Duration.ofMinutes(5);

  public static void main(String[] args) throws Exception {
    int vms = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int hours = args.length > 1 ? Integer.parseInt(args[1]) : 48;
    String mode = args.length > 2 ? args[2] : "";
    if (!List.of("", "every-row", "while-serving").contains(mode)) {
      throw new IllegalArgumentException(
          "the third argument is every-row or while-serving, not " + mode);
    }
    Path repo = Path.of("").toAbsolutePath();
    DjlSetup.configure(repo.resolve("bench/target/djl"));
    TraceReplay replay = TraceReplay.load(TraceReplay.defaultFiles(repo));
    Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
    Instant start = now.minus(Duration.ofHours(hours));
    List<RunningVm> running = new ArrayList<>();
    for (int v = 0; v < vms; v++) {
      String uid = UUID.nameUUIDFromBytes(("vm-" + v).getBytes(StandardCharsets.UTF_8)).toString();
      running.add(new RunningVm(uid, "bench", "vm-" + v, "pool", "h" + v % 10, "x"));
    }
    int perHour = (int) (3600 / STEP.toSeconds());
    try (BenchDatabase db =
        new BenchDatabase(repo.resolve("bench/target/training-db"), vms * perHour, 2, start)) {
      long written = 0;
      for (int hour = 0; hour < hours; hour++) {
        List<VmSample> chunk = new ArrayList<>(vms * perHour);
        for (int i = 0; i < perHour; i++) {
          long step = (long) hour * perHour + i;
          Instant at = start.plus(STEP.multipliedBy(step));
          for (int v = 0; v < vms; v++) {
            VmSample s = replay.sample(v, running.get(v).uid(), step, at);
            if (step == 0) {
              db.writer.accept(running.get(v), s); // the VM's identity, which training selects by
            } else {
              chunk.add(s);
            }
          }
        }
        db.writeAll(chunk);
        written += chunk.size() + (hour == 0 ? vms : 0);
      }
      System.out.printf(
          "%nTraining run, %,d VMs x %d h of 10 s samples (%,d samples), horizon 5 min, %d"
              + " cores:%n",
          vms, hours, written, Runtime.getRuntime().availableProcessors());
      if (mode.equals("while-serving")) {
        WhileServing.run(db, trainer(hours, ModelTrainer.RowLimits.operator()), now);
        return;
      }
      try (Connection c = db.connection()) { // warm-up (JIT, PyTorch's first calls), not timed
        trainer(hours, new ModelTrainer.RowLimits(5_000, 5_000)).train(c, now);
      }
      run(db, hours, "operator's limits", ModelTrainer.RowLimits.operator(), now);
      run(db, hours, "200,000 rows", new ModelTrainer.RowLimits(200_000, 50_000), now);
      if (mode.equals("every-row")) {
        int all = Integer.MAX_VALUE;
        run(db, hours, "every row (baseline)", new ModelTrainer.RowLimits(all, all), now);
      }
    }
  }

  /** The operator's trainer (up to 500 VMs, the standard plan) with those row limits. */
  private static ModelTrainer trainer(int hours, ModelTrainer.RowLimits limits) {
    return new ModelTrainer(
        STEP, HORIZON, Duration.ofHours(hours), 500, MlpForecaster.Plan.standard(), limits);
  }

  private static void run(
      BenchDatabase db, int hours, String label, ModelTrainer.RowLimits limits, Instant now)
      throws Exception {
    ModelTrainer trainer = trainer(hours, limits);
    System.gc();
    long started = System.nanoTime();
    List<TrainedModel> models;
    long peakLive;
    long residentBeforeKiB = ResidentMemory.anonymousKiB();
    long residentPeakKiB;
    long directPeak;
    try (Connection c = db.connection();
        HeapAfterCollections heap = new HeapAfterCollections();
        ResidentMemory.Peak resident = new ResidentMemory.Peak()) {
      models = trainer.train(c, now);
      peakLive = heap.peak();
      residentPeakKiB = resident.kiB();
      directPeak = resident.directPeakBytes();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "  %-22s %6.1f s, heap after a collection at most %,d MB; anonymous resident memory at"
            + " most +%,d MB over the start (native alone when the heap is pre-touched), of which"
            + " direct buffers at most %,d MB%n",
        label,
        seconds,
        peakLive >> 20,
        (residentPeakKiB - residentBeforeKiB) >> 10,
        directPeak >> 20);
    for (TrainedModel m : models) {
      System.out.printf(
          "    %-8s %,9d training rows, %,7d scored; MAE model %.2f, best baseline (%s) %.2f%n",
          m.resource(),
          m.trainingRows(),
          m.validationRows(),
          m.model().meanAbsoluteError(),
          m.baseline(),
          m.baselineScore().meanAbsoluteError());
    }
  }

  /**
   * The largest heap left after any garbage collection while open: what the run kept alive, give or
   * take what the collections had not reached yet (the heap's peak itself also holds garbage, such
   * as the rows PgJDBC fetched and the copies handed to the model, collected whenever the collector
   * likes).
   */
  private static final class HeapAfterCollections implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong();
    private final NotificationListener listener =
        (notification, handback) -> {
          if (notification
              .getType()
              .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            long used =
                info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                    .mapToLong(MemoryUsage::getUsed)
                    .sum();
            peak.accumulateAndGet(used, Math::max);
          }
        };

    HeapAfterCollections() {
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
      }
    }

    long peak() {
      return peak.get();
    }

    @Override
    public void close() throws ListenerNotFoundException {
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc).removeNotificationListener(listener);
      }
    }
  }
}
