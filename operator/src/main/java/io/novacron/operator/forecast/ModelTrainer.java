package io.novacron.operator.forecast;

import io.novacron.operator.store.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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

  /**
   * {@code step}: the sampling interval; {@code history}: how far back to learn from; {@code
   * maxVms}: how many VMs' series to read at most (a stable selection), to bound the work.
   */
  public ModelTrainer(
      Duration step, Duration horizon, Duration history, int maxVms, MlpForecaster.Plan plan) {
    this.step = step;
    this.horizon = horizon;
    this.history = history;
    this.maxVms = maxVms;
    this.plan = plan;
  }

  /** A VM's series: sample times (epoch seconds) and percentages per resource (by ordinal). */
  private record Series(long[] seconds, double[][] percent) {
    double[] of(Resource r) {
      return percent[r.ordinal()];
    }
  }

  /** Trains a model per resource; a resource with too little history gets none. */
  public List<TrainedModel> train(Connection c, Instant now) throws SQLException {
    List<Series> series = read(c, now.minus(history), now);
    // the history actually there (a new installation has less than asked for) sets the cut
    long earliest =
        series.stream().mapToLong(x -> x.seconds()[0]).min().orElse(now.getEpochSecond());
    long span = now.getEpochSecond() - earliest;
    long cut = now.getEpochSecond() - (long) (span * VALIDATION_SHARE);
    // less than a day cannot teach a daily pattern: the validation window would hold times of
    // day never seen in training
    boolean learnsTimeOfDay = span >= Duration.ofDays(1).toSeconds();
    List<TrainedModel> models = new ArrayList<>();
    for (Resource r : Resource.values()) {
      try {
        train(series, r, cut, learnsTimeOfDay, now).ifPresent(models::add);
      } catch (RuntimeException e) {
        // one resource's failure leaves the others' models (and its own baseline) serving
        log.warn("Training the {} forecast model failed: {}", r, e.getMessage());
      }
    }
    return models;
  }

  /** Validation origins: their features and the value that followed at the horizon. */
  private static final class Origins {
    final List<float[]> x = new ArrayList<>();
    final List<Double> actual = new ArrayList<>();

    void add(float[] features, double actualPercent) {
      x.add(features);
      actual.add(actualPercent);
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

  private Optional<TrainedModel> train(
      List<Series> all, Resource resource, long cut, boolean learnsTimeOfDay, Instant now) {
    List<float[]> trainX = new ArrayList<>();
    List<Float> trainY = new ArrayList<>();
    // the older half of the validation window chooses the baseline and the blend weight, the
    // newer half scores them: scored where they were chosen, they would look better than they are
    long middle = cut + (now.getEpochSecond() - cut) / 2;
    Origins choosing = new Origins();
    Origins scoring = new Origins();
    long stepSeconds = step.toSeconds();
    long horizonSeconds = horizon.toSeconds();
    int h = (int) Math.max(1, Math.round((double) horizonSeconds / stepSeconds));
    for (Series s : all) {
      double[] v = s.of(resource);
      FeatureState state = new FeatureState(stepSeconds, horizonSeconds);
      for (int t = 0; t < v.length; t++) {
        state.add(Instant.ofEpochSecond(s.seconds()[t]), v[t]);
        if (!state.ready() || t + h >= v.length || Double.isNaN(v[t + h])) {
          continue;
        }
        long ahead = s.seconds()[t + h] - s.seconds()[t];
        if (Math.abs(ahead - horizonSeconds) * 2 > stepSeconds) {
          continue; // a gap in the series: the target is not at the horizon
        }
        float[] f = new float[FeatureState.ROW];
        state.features(f, 0);
        if (!learnsTimeOfDay) {
          FeatureState.forgetTimeOfDay(f);
        }
        long origin = s.seconds()[t];
        long target = s.seconds()[t + h];
        if (target < cut) {
          // only validation reads the baselines' columns; training rows are most of the memory
          trainX.add(Arrays.copyOf(f, FeatureState.FEATURES));
          trainY.add((float) ((v[t + h] - state.lastPercent()) / 100));
        } else if (origin >= cut && target < middle) {
          choosing.add(f, v[t + h]);
        } else if (origin >= middle) {
          scoring.add(f, v[t + h]);
        }
      }
    }
    if (trainX.size() < MIN_TRAINING_ROWS
        || choosing.size() < MIN_VALIDATION_ROWS
        || scoring.size() < MIN_VALIDATION_ROWS
        || trainX.stream().allMatch(f -> f[0] == trainX.get(0)[0])) {
      return Optional.empty(); // too little history, or values that never moved (an idle disk)
    }
    float[] y = new float[trainY.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = trainY.get(i);
    }
    try (MlpForecaster model =
        MlpForecaster.train(
            new MlpForecaster.TrainingSet(trainX.toArray(float[][]::new), y), plan)) {
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
              y.length,
              scoring.size(),
              TrainedModel.Score.of(modelError, modelResiduals),
              OnlineBaselines.NAMES.get(baseline),
              TrainedModel.Score.of(baselineError, baselineResiduals),
              modelWeight,
              model.parameters()));
    }
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

  private List<Series> read(Connection c, Instant from, Instant to) throws SQLException {
    List<Series> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "WITH chosen AS (SELECT vm_uid FROM vm_inventory ORDER BY md5(vm_uid::text) LIMIT ?)"
                + " SELECT s.vm_uid, s.ts, s.cpu_percent, s.memory_used_bytes,"
                + " s.memory_available_bytes,"
                + " s.network_rx_bytes_per_second + s.network_tx_bytes_per_second,"
                + " s.disk_read_bytes_per_second + s.disk_write_bytes_per_second"
                + " FROM vm_samples s JOIN chosen USING (vm_uid)"
                + " WHERE s.ts >= ? AND s.ts < ? ORDER BY s.vm_uid, s.ts")) {
      ps.setInt(1, maxVms);
      ps.setObject(2, Timestamps.utc(from));
      ps.setObject(3, Timestamps.utc(to));
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        Object current = null;
        SeriesBuilder series = new SeriesBuilder();
        while (rs.next()) {
          Object uid = rs.getObject(1);
          if (!uid.equals(current)) {
            series.addTo(out);
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
        series.addTo(out);
      }
    }
    return out;
  }

  private static final class SeriesBuilder {
    final LongStream.Builder seconds = LongStream.builder();
    final DoubleStream.Builder[] percent = new DoubleStream.Builder[Resource.values().length];

    SeriesBuilder() {
      for (int r = 0; r < percent.length; r++) {
        percent[r] = DoubleStream.builder();
      }
    }

    void addTo(List<Series> out) {
      long[] s = seconds.build().toArray();
      if (s.length > 0) {
        double[][] values = new double[percent.length][];
        for (int r = 0; r < percent.length; r++) {
          values[r] = percent[r].build().toArray();
        }
        out.add(new Series(s, values));
      }
    }
  }
}
