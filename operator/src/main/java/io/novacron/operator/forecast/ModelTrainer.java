package io.novacron.operator.forecast;

import io.novacron.operator.store.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;

/**
 * Trains one global model per resource from the VMs' raw history in PostgreSQL: features computed
 * along each VM's series exactly as the live forecaster computes them, the target being the change
 * over the horizon. The most recent share of the history is held out: the model is trained on
 * origins whose target lies before the cut and scored, beside every online baseline, on origins
 * after it. Runs on a background thread, never on a reconcile thread.
 */
public final class ModelTrainer {
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

  /** A VM's series: sample times (epoch seconds) and percentages per resource. */
  private record Series(long[] seconds, double[] cpu, double[] memory) {
    double[] of(Resource r) {
      return r == Resource.CPU ? cpu : memory;
    }
  }

  /** Trains CPU and memory models; a resource with too little history gets none. */
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
    for (Resource r : List.of(Resource.CPU, Resource.MEMORY)) {
      train(series, r, cut, learnsTimeOfDay, now).ifPresent(models::add);
    }
    return models;
  }

  private Optional<TrainedModel> train(
      List<Series> all, Resource resource, long cut, boolean learnsTimeOfDay, Instant now) {
    List<float[]> trainX = new ArrayList<>();
    List<Float> trainY = new ArrayList<>();
    List<float[]> checkX = new ArrayList<>();
    List<Double> checkActual = new ArrayList<>();
    long stepSeconds = step.toSeconds();
    long horizonSeconds = horizon.toSeconds();
    int h = (int) Math.max(1, Math.round((double) horizonSeconds / stepSeconds));
    for (Series s : all) {
      double[] v = s.of(resource);
      FeatureState state = new FeatureState(stepSeconds);
      for (int t = 0; t < v.length; t++) {
        state.add(Instant.ofEpochSecond(s.seconds()[t]), v[t]);
        if (!state.ready() || t + h >= v.length || Double.isNaN(v[t + h])) {
          continue;
        }
        long ahead = s.seconds()[t + h] - s.seconds()[t];
        if (Math.abs(ahead - horizonSeconds) * 2 > stepSeconds) {
          continue; // a gap in the series: the target is not at the horizon
        }
        float[] f = new float[FeatureState.FEATURES];
        state.features(f, 0);
        if (!learnsTimeOfDay) {
          f[FeatureState.TIME_OF_DAY] = 0;
          f[FeatureState.TIME_OF_DAY + 1] = 0;
        }
        if (s.seconds()[t + h] < cut) {
          trainX.add(f);
          trainY.add((float) ((v[t + h] - state.lastPercent()) / 100));
        } else if (s.seconds()[t] >= cut) {
          checkX.add(f);
          checkActual.add(v[t + h]);
        }
      }
    }
    if (trainX.size() < MIN_TRAINING_ROWS || checkX.size() < MIN_VALIDATION_ROWS) {
      return Optional.empty();
    }
    float[] y = new float[trainY.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = trainY.get(i);
    }
    try (MlpForecaster model =
        MlpForecaster.train(
            new MlpForecaster.TrainingSet(trainX.toArray(float[][]::new), y), plan)) {
      float[][] x = checkX.toArray(float[][]::new);
      float[] changes = model.predict(x);
      List<ForecastError> baselineErrors = new ArrayList<>();
      OnlineBaselines.NAMES.forEach(n -> baselineErrors.add(new ForecastError()));
      for (int i = 0; i < x.length; i++) {
        double actual = checkActual.get(i);
        for (int b = 0; b < baselineErrors.size(); b++) {
          baselineErrors.get(b).add(OnlineBaselines.forecast(b, x[i]), actual);
        }
      }
      int best = 0;
      for (int b = 1; b < baselineErrors.size(); b++) {
        if (baselineErrors.get(b).meanAbsoluteError()
            < baselineErrors.get(best).meanAbsoluteError()) {
          best = b;
        }
      }
      ForecastError modelError = null;
      double modelWeight = 1;
      for (double weight : TrainedModel.MODEL_WEIGHTS) {
        ForecastError e = new ForecastError();
        for (int i = 0; i < x.length; i++) {
          double modelPercent = 100 * (x[i][0] + changes[i]);
          double baselinePercent = OnlineBaselines.forecast(best, x[i]);
          e.add(TrainedModel.blend(weight, modelPercent, baselinePercent), checkActual.get(i));
        }
        if (modelError == null || e.meanAbsoluteError() < modelError.meanAbsoluteError()) {
          modelError = e;
          modelWeight = weight;
        }
      }
      Residuals modelResiduals = new Residuals();
      Residuals baselineResiduals = new Residuals();
      for (int i = 0; i < x.length; i++) {
        double baselinePercent = OnlineBaselines.forecast(best, x[i]);
        double served =
            TrainedModel.blend(modelWeight, 100 * (x[i][0] + changes[i]), baselinePercent);
        modelResiduals.add(served, checkActual.get(i));
        baselineResiduals.add(baselinePercent, checkActual.get(i));
      }
      return Optional.of(
          new TrainedModel(
              0,
              resource,
              horizon,
              now,
              y.length,
              x.length,
              TrainedModel.Score.of(modelError, modelResiduals),
              OnlineBaselines.NAMES.get(best),
              TrainedModel.Score.of(baselineErrors.get(best), baselineResiduals),
              modelWeight,
              model.parameters()));
    }
  }

  private List<Series> read(Connection c, Instant from, Instant to) throws SQLException {
    List<Series> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "WITH chosen AS (SELECT vm_uid FROM vm_inventory ORDER BY md5(vm_uid::text) LIMIT ?)"
                + " SELECT s.vm_uid, s.ts, s.cpu_percent, s.memory_used_bytes,"
                + " s.memory_available_bytes FROM vm_samples s JOIN chosen USING (vm_uid)"
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
          long used = rs.getLong(4);
          boolean usedKnown = !rs.wasNull();
          long available = rs.getLong(5);
          boolean memoryKnown = usedKnown && !rs.wasNull() && available > 0;
          series.seconds.add(rs.getTimestamp(2).toInstant().getEpochSecond());
          series.cpu.add(rs.getDouble(3));
          series.memory.add(memoryKnown ? 100.0 * used / available : Double.NaN);
        }
        series.addTo(out);
      }
    }
    return out;
  }

  private static final class SeriesBuilder {
    final LongStream.Builder seconds = LongStream.builder();
    final DoubleStream.Builder cpu = DoubleStream.builder();
    final DoubleStream.Builder memory = DoubleStream.builder();

    void addTo(List<Series> out) {
      long[] s = seconds.build().toArray();
      if (s.length > 0) {
        out.add(new Series(s, cpu.build().toArray(), memory.build().toArray()));
      }
    }
  }
}
