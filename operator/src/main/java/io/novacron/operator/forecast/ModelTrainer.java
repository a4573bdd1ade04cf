package io.novacron.operator.forecast;

import io.novacron.operator.store.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one global model per resource from the VMs' raw history in PostgreSQL: features computed
 * along each VM's series exactly as the live forecaster computes them, the target being the change
 * over the horizon. The most recent share of the history is held out: the model is trained on
 * origins whose target lies before the cut; the older half of the rest chooses the best online
 * baseline and the blend weight, and the newer half scores the blend against that baseline. Runs on
 * a background thread, never on a reconcile thread.
 */
public final class ModelTrainer {
  private static final Logger log = LoggerFactory.getLogger(ModelTrainer.class);
  private static final double VALIDATION_SHARE = 0.2;
  private static final int MIN_TRAINING_ROWS = 1_000;
  private static final int MIN_VALIDATION_ROWS = 100;

  private final Duration step;
  private final Duration horizon;
  private final Duration history;
  private final int maxVms;
  private final MlpForecaster.Plan plan;
  private final RowLimits limits;

  /**
   * How many rows each resource learns from at most, drawn uniformly from all the history holds:
   * training rows, and validation origins per half of the validation window.
   */
  public record RowLimits(int trainingRows, int validationOrigins) {
    /**
     * The operator's. Its default history (2 days of 500 VMs at 10 s) holds ~7 M rows per resource;
     * learning from every one held gigabytes (2.2 GB of heap at its peak for 2.8 M rows in
     * `bench/run training`), growing with the history. Rows do help: on 200 VMs' two days of
     * replayed traces the CPU model's error was 3.38 / 2.59 / 1.99 from 0.2 / 1 / 2.8 million rows.
     * A million, ~52 MB per resource as kept, is the bound; 50,000 origins measure an error to
     * about a hundredth.
     */
    public static RowLimits operator() {
      return new RowLimits(1_000_000, 50_000);
    }
  }

  /**
   * {@code step}: the sampling interval; {@code history}: how far back to learn from; {@code
   * maxVms}: how many VMs' series to read at most (a stable selection); {@code maxTrainingRows}:
   * how many training rows per resource at most, drawn uniformly from all there are (each half of
   * the validation window keeps at most a quarter as many origins). Both bound the work and memory.
   */
  public ModelTrainer(
      Duration step,
      Duration horizon,
      Duration history,
      int maxVms,
      MlpForecaster.Plan plan,
      RowLimits limits) {
    this.step = step;
    this.horizon = horizon;
    this.history = history;
    this.maxVms = maxVms;
    this.plan = plan;
    this.limits = limits;
  }

  /** A VM's series: sample times (epoch seconds) and percentages per resource (by ordinal). */
  private record Series(long[] seconds, double[][] percent) {
    double[] of(Resource r) {
      return percent[r.ordinal()];
    }
  }

  /**
   * Trains a model per resource; a resource with too little history gets none. Each resource reads
   * the history in a pass of its own, one VM's series at a time, so memory holds one series and one
   * resource's bounded samples of rows, however long the history and however many resources: at the
   * operator's limits the trainer held at most ~106 MB live, where reading all four resources' rows
   * in one pass held ~280 MB. A pass is ~15 s of reading at those limits, once per retraining
   * (bench/run training; README).
   */
  public List<TrainedModel> train(Connection c, Instant now) throws SQLException {
    Optional<Window> window = window(c, now);
    if (window.isEmpty()) {
      return List.of();
    }
    List<TrainedModel> models = new ArrayList<>();
    for (Resource r : Resource.values()) {
      Rows rows = new Rows(window.get());
      inReadTransaction(
          c,
          () -> {
            read(c, window.get().from(), now, series -> rows.add(series, r));
            return null;
          });
      try {
        train(rows, r, now).ifPresent(models::add);
      } catch (RuntimeException e) {
        // one resource's failure leaves the others' models (and its own baseline) serving
        log.warn("Training the {} forecast model failed: {}", r, e.getMessage());
      }
    }
    return models;
  }

  /**
   * Where the history learnt from starts, where its validation window and that window's two halves
   * begin (epoch seconds), and at most how many training rows it holds (a sample per step of every
   * VM from the earliest sample on).
   */
  private record Window(
      Instant from, long cut, long middle, boolean learnsTimeOfDay, long trainingRowsAtMost) {}

  private Optional<Window> window(Connection c, Instant now) throws SQLException {
    Instant from = now.minus(history);
    Optional<Earliest> found = earliestSample(c, from, now);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    long earliest = found.get().epochSecond();
    // the history actually there (a new installation has less than asked for) sets the cut
    long span = now.getEpochSecond() - earliest;
    long cut = now.getEpochSecond() - (long) (span * VALIDATION_SHARE);
    // the older half of the validation window chooses the baseline and the blend weight, the
    // newer half scores them: scored where they were chosen, they would look better than they are
    long middle = cut + (now.getEpochSecond() - cut) / 2;
    // less than a day cannot teach a daily pattern: the validation window would hold times of day
    // never seen in training
    boolean learnsTimeOfDay = span >= Duration.ofDays(1).toSeconds();
    long rowsAtMost = found.get().vms() * ((cut - earliest) / Math.max(1, step.toSeconds()) + 1);
    return Optional.of(new Window(from, cut, middle, learnsTimeOfDay, rowsAtMost));
  }

  private interface Read<T> {
    T run() throws SQLException;
  }

  /**
   * Runs reads in a transaction of their own, rolled back after (they only read): PgJDBC fetches a
   * result in batches only inside a transaction, otherwise all of it at once. No transaction stays
   * open while a model trains, so none holds back vacuum for minutes.
   */
  private static <T> T inReadTransaction(Connection c, Read<T> reads) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      return reads.run();
    } finally {
      c.rollback();
      c.setAutoCommit(autoCommit);
    }
  }

  /** Validation origins of one half of the window, a uniform sample of them. */
  private static final class Origins {
    final Reservoir reservoir;
    final List<float[]> x = new ArrayList<>();
    final List<Double> actual = new ArrayList<>();

    Origins(int capacity, long seed) {
      reservoir = new Reservoir(capacity, seed);
    }

    /** Offers an origin; {@code row} is copied if kept. */
    void add(float[] row, double actualPercent) {
      int slot = reservoir.offer();
      if (slot == x.size()) {
        x.add(row.clone());
        actual.add(actualPercent);
      } else if (slot >= 0) {
        x.set(slot, row.clone());
        actual.set(slot, actualPercent);
      }
    }

    int size() {
      return x.size();
    }

    /** The model's forecasts, in percent. */
    double[] forecasts(MlpForecaster model) {
      float[][] rows = x.toArray(float[][]::new);
      float[] changes = model.predict(rows);
      double[] out = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        out[i] = 100 * (rows[i][0] + changes[i]);
      }
      return out;
    }
  }

  /** One resource's rows from every series: bounded, uniform samples of each kind. */
  private final class Rows {
    final Window window;
    final TrainingRows training;
    final Origins choosing = new Origins(limits.validationOrigins(), plan.seed() + 1);
    final Origins scoring = new Origins(limits.validationOrigins(), plan.seed() + 2);

    Rows(Window window) {
      this.window = window;
      training = new TrainingRows(limits.trainingRows(), plan.seed(), window.trainingRowsAtMost());
    }

    void add(Series s, Resource resource) {
      double[] v = s.of(resource);
      long stepSeconds = step.toSeconds();
      long horizonSeconds = horizon.toSeconds();
      int h = (int) Math.max(1, Math.round((double) horizonSeconds / stepSeconds));
      FeatureState state = new FeatureState(stepSeconds, horizonSeconds);
      // one row reused for every origin; what a sample keeps it copies
      float[] f = new float[FeatureState.ROW];
      for (int t = 0; t < v.length; t++) {
        state.add(Instant.ofEpochSecond(s.seconds()[t]), v[t]);
        if (!state.ready() || t + h >= v.length || Double.isNaN(v[t + h])) {
          continue;
        }
        long ahead = s.seconds()[t + h] - s.seconds()[t];
        if (Math.abs(ahead - horizonSeconds) * 2 > stepSeconds) {
          continue; // a gap in the series: the target is not at the horizon
        }
        state.features(f, 0);
        if (!window.learnsTimeOfDay()) {
          FeatureState.forgetTimeOfDay(f);
        }
        long origin = s.seconds()[t];
        long target = s.seconds()[t + h];
        if (target < window.cut()) {
          // only validation reads the baselines' columns; training rows are most of the memory
          training.add(f, (float) ((v[t + h] - state.lastPercent()) / 100));
        } else if (origin >= window.cut() && target < window.middle()) {
          choosing.add(f, v[t + h]);
        } else if (origin >= window.middle()) {
          scoring.add(f, v[t + h]);
        }
      }
    }
  }

  private Optional<TrainedModel> train(Rows rows, Resource resource, Instant now) {
    TrainingRows training = rows.training;
    Origins choosing = rows.choosing;
    Origins scoring = rows.scoring;
    if (training.size() < MIN_TRAINING_ROWS
        || choosing.size() < MIN_VALIDATION_ROWS
        || scoring.size() < MIN_VALIDATION_ROWS
        || neverMoved(training)) {
      return Optional.empty(); // too little history, or values that never moved (an idle disk)
    }
    MlpForecaster.TrainingSet set = training.takeTrainingSet();
    if (training.seen() > set.size()) {
      log.info(
          "Training the {} forecast model on {} of {} rows (a uniform sample)",
          resource,
          set.size(),
          training.seen());
    }
    try (MlpForecaster model = MlpForecaster.train(set, plan)) {
      int baseline = bestBaseline(choosing);
      double modelWeight = bestWeight(choosing, choosing.forecasts(model), baseline);

      double[] modelPercent = scoring.forecasts(model);
      ForecastError modelError = new ForecastError();
      ForecastError baselineError = new ForecastError();
      Residuals modelResiduals = new Residuals();
      Residuals baselineResiduals = new Residuals();
      for (int i = 0; i < scoring.size(); i++) {
        double actual = scoring.actual.get(i);
        double baselinePercent = OnlineBaselines.forecast(baseline, scoring.x.get(i));
        double served = TrainedModel.blend(modelWeight, modelPercent[i], baselinePercent);
        modelError.add(served, actual);
        modelResiduals.add(served, actual);
        baselineError.add(baselinePercent, actual);
        baselineResiduals.add(baselinePercent, actual);
      }
      return Optional.of(
          new TrainedModel(
              0,
              resource,
              horizon,
              now,
              set.size(),
              scoring.size(),
              TrainedModel.Score.of(modelError, modelResiduals),
              OnlineBaselines.NAMES.get(baseline),
              TrainedModel.Score.of(baselineError, baselineResiduals),
              modelWeight,
              model.parameters()));
    }
  }

  private static boolean neverMoved(TrainingRows rows) {
    for (int i = 1; i < rows.size(); i++) {
      if (rows.lastValue(i) != rows.lastValue(0)) {
        return false;
      }
    }
    return true;
  }

  /** The online baseline with the lowest MAE over these origins. */
  private static int bestBaseline(Origins origins) {
    int best = 0;
    double bestError = Double.POSITIVE_INFINITY;
    for (int b = 0; b < OnlineBaselines.NAMES.size(); b++) {
      ForecastError e = new ForecastError();
      for (int i = 0; i < origins.size(); i++) {
        e.add(OnlineBaselines.forecast(b, origins.x.get(i)), origins.actual.get(i));
      }
      if (e.meanAbsoluteError() < bestError) {
        bestError = e.meanAbsoluteError();
        best = b;
      }
    }
    return best;
  }

  /** The model's share of the blend with that baseline with the lowest MAE over these origins. */
  private static double bestWeight(Origins origins, double[] modelPercent, int baseline) {
    return TrainedModel.bestWeight(
        weight -> {
          ForecastError e = new ForecastError();
          for (int i = 0; i < origins.size(); i++) {
            double baselinePercent = OnlineBaselines.forecast(baseline, origins.x.get(i));
            e.add(
                TrainedModel.blend(weight, modelPercent[i], baselinePercent),
                origins.actual.get(i));
          }
          return e.meanAbsoluteError();
        });
  }

  /** The earliest sample of the chosen VMs, and how many of them have samples in the range. */
  private record Earliest(long epochSecond, long vms) {}

  /**
   * The first sample time (epoch seconds) within [from, to) of the VMs learnt from: one probe of
   * the primary key per VM, not a scan of the history.
   */
  private Optional<Earliest> earliestSample(Connection c, Instant from, Instant to)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(EARLIEST_SAMPLE)) {
      bindChosenVmsAndRange(ps, from, to);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        Timestamp first = rs.getTimestamp(1);
        return first == null
            ? Optional.empty()
            : Optional.of(new Earliest(first.toInstant().getEpochSecond(), rs.getLong(2)));
      }
    }
  }

  /** A stable selection of at most {@code maxVms} VMs (parameter 1). */
  private static final String CHOSEN_VMS =
      "WITH chosen AS (SELECT vm_uid FROM vm_inventory ORDER BY md5(vm_uid::text) LIMIT ?)";

  /**
   * The earliest sample of the chosen VMs and how many have samples; parameters as {@link
   * #bindChosenVmsAndRange}.
   */
  static final String EARLIEST_SAMPLE =
      CHOSEN_VMS
          + " SELECT min(first.ts), count(first.ts) FROM chosen CROSS JOIN LATERAL"
          + " (SELECT s.ts FROM vm_samples s WHERE s.vm_uid = chosen.vm_uid"
          + " AND s.ts >= ? AND s.ts < ? ORDER BY s.ts LIMIT 1) first";

  /** Parameters 1-3 of both queries: how many VMs, and the time range. */
  void bindChosenVmsAndRange(PreparedStatement ps, Instant from, Instant to) throws SQLException {
    ps.setInt(1, maxVms);
    ps.setObject(2, Timestamps.utc(from));
    ps.setObject(3, Timestamps.utc(to));
  }

  /** Hands each chosen VM's series within [from, to) to {@code each}, one VM at a time. */
  private void read(Connection c, Instant from, Instant to, Consumer<Series> each)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            CHOSEN_VMS
                + " SELECT s.vm_uid, s.ts, s.cpu_percent, s.memory_used_bytes,"
                + " s.memory_available_bytes,"
                + " s.network_rx_bytes_per_second + s.network_tx_bytes_per_second,"
                + " s.disk_read_bytes_per_second + s.disk_write_bytes_per_second"
                + " FROM vm_samples s JOIN chosen USING (vm_uid)"
                + " WHERE s.ts >= ? AND s.ts < ? ORDER BY s.vm_uid, s.ts")) {
      bindChosenVmsAndRange(ps, from, to);
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        Object current = null;
        SeriesBuilder series = new SeriesBuilder();
        while (rs.next()) {
          Object uid = rs.getObject(1);
          if (!uid.equals(current)) {
            series.build().ifPresent(each);
            series = new SeriesBuilder();
            current = uid;
          }
          series.seconds.add(rs.getTimestamp(2).toInstant().getEpochSecond());
          series.percent[Resource.CPU.ordinal()].add(rs.getDouble(3));
          series.percent[Resource.MEMORY.ordinal()].add(
              Resource.memoryPercent(rs.getObject(4, Long.class), rs.getObject(5, Long.class)));
          series.percent[Resource.NETWORK.ordinal()].add(
              Resource.throughputPercent(rs.getDouble(6)));
          series.percent[Resource.DISK.ordinal()].add(Resource.throughputPercent(rs.getDouble(7)));
        }
        series.build().ifPresent(each);
      }
    }
  }

  private static final class SeriesBuilder {
    final LongStream.Builder seconds = LongStream.builder();
    final DoubleStream.Builder[] percent = new DoubleStream.Builder[Resource.values().length];

    SeriesBuilder() {
      for (int r = 0; r < percent.length; r++) {
        percent[r] = DoubleStream.builder();
      }
    }

    Optional<Series> build() {
      long[] s = seconds.build().toArray();
      if (s.length == 0) {
        return Optional.empty();
      }
      double[][] values = new double[percent.length][];
      for (int r = 0; r < percent.length; r++) {
        values[r] = percent[r].build().toArray();
      }
      return Optional.of(new Series(s, values));
    }
  }
}
