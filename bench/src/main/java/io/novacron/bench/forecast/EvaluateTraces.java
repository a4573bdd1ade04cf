package io.novacron.bench.forecast;

import io.novacron.operator.forecast.AnomalyDetector;
import io.novacron.operator.forecast.Baselines;
import io.novacron.operator.forecast.Baselines.Baseline;
import io.novacron.operator.forecast.DjlSetup;
import io.novacron.operator.forecast.FeatureState;
import io.novacron.operator.forecast.ForecastError;
import io.novacron.operator.forecast.Forecaster.Prediction;
import io.novacron.operator.forecast.IntervalCalibration;
import io.novacron.operator.forecast.MlpForecaster;
import io.novacron.operator.forecast.Residuals;
import io.novacron.operator.forecast.Resource;
import io.novacron.operator.forecast.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Trains the forecast model on the earlier part of trace CSVs and evaluates it, beside every
 * baseline, on the later part: per resource and horizon (1, 5 and 30 minutes), MAE in percentage
 * points, 1 − WAPE and 4-bucket accuracy. Strict time split: each timeline is cut at 70 % of its
 * length; training rows are origins whose target lies before the cut, evaluated origins lie after
 * it; baselines' settings are chosen on the training part too. One model per resource and horizon,
 * trained on all timelines together (equally many rows from each). Args: trace CSV files (default:
 * every file under ../shared/data/traces).
 */
public final class EvaluateTraces {
  private static final double TRAIN_SHARE = 0.7;
  private static final int[] HORIZON_MINUTES = {1, 5, 30};
  private static final int DAY = 86_400;
  private static final int[] WINDOW_MINUTES = {1, 5, 15, 30, 60};

  /** {@code -Dforecast.rows=N} trains on another number of rows per timeline. */
  private static final int ROWS_PER_TIMELINE = Integer.getInteger("forecast.rows", 12_000);

  public static void main(String[] args) throws IOException {
    Path repo = Path.of("").toAbsolutePath();
    List<Path> files = new ArrayList<>();
    for (String a : args) {
      files.add(Path.of(a));
    }
    if (files.isEmpty()) {
      try (Stream<Path> all = Files.walk(repo.resolve("../shared/data/traces"))) {
        all.filter(p -> p.toString().endsWith(".csv")).sorted().forEach(files::add);
      }
    }
    DjlSetup.configure(repo.resolve("bench/target/djl"));
    List<Trace> traces = Trace.load(files, TRAIN_SHARE);
    System.out.printf(
        "Forecast evaluation: %d timelines from %d files; train on the first %.0f %%, evaluate"
            + " on the rest%n",
        traces.size(), files.size(), TRAIN_SHARE * 100);
    System.out.println(
        "Cells: MAE (percentage points) / 1 - WAPE / 4-bucket accuracy. * = model beats the best"
            + " baseline (lowest MAE). w = the MLP's share of the blend, v = the blend's MAE on the"
            + " validation window (the newest 20 % of the training part), where w is chosen.");
    Map<String, int[]> wins = new LinkedHashMap<>();
    for (Resource resource : Resource.values()) {
      for (int minutes : HORIZON_MINUTES) {
        evaluate(traces, resource, minutes, wins);
      }
    }
    System.out.printf("%nModel beats the best baseline (MAE) / model 1 - WAPE >= 90 %%:%n");
    wins.forEach(
        (key, w) ->
            System.out.printf(
                "  %-22s %d of %d timelines / %d of %d%n", key, w[0], w[2], w[1], w[2]));
  }

  private static void evaluate(
      List<Trace> traces, Resource resource, int minutes, Map<String, int[]> wins) {
    List<Trace> usable = new ArrayList<>();
    for (Trace t : traces) {
      int seconds = minutes * 60;
      if (t.percent().containsKey(resource)
          && seconds >= t.stepSeconds()
          && seconds % t.stepSeconds() == 0) {
        usable.add(t);
      }
    }
    if (usable.isEmpty()) {
      return;
    }
    List<float[][]> features = new ArrayList<>();
    for (Trace t : usable) {
      features.add(
          featuresOf(t.percent().get(resource), t.seconds(), t.stepSeconds(), minutes * 60L));
    }
    long started = System.nanoTime();
    try (MlpForecaster forBlend = train(usable, features, resource, minutes, true);
        MlpForecaster model = train(usable, features, resource, minutes, false)) {
      double trainSeconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(
          "%n%s, %d min ahead (two models trained on %,d rows from each of %d timelines in %.1f"
              + " s)%n",
          resource, minutes, ROWS_PER_TIMELINE, usable.size(), trainSeconds);
      System.out.printf(
          "  %-18s %-34s %-22s %-22s %-30s %-30s %-22s%n",
          "timeline",
          "NovaCron (MLP + EWMA blend)",
          "MLP alone",
          "last value",
          "moving average",
          "EWMA",
          "seasonal naive (1 day)");
      if (resource == Resource.CPU && minutes == 5) {
        measureInference(model, features.get(0));
      }
      int[] tally = wins.computeIfAbsent(resource + ", " + minutes + " min", k -> new int[3]);
      List<String> coverage = new ArrayList<>();
      List<String> anomalies = new ArrayList<>();
      for (int i = 0; i < usable.size(); i++) {
        RowResult row =
            printRow(usable.get(i), resource, minutes, features.get(i), forBlend, model);
        tally[0] += row.beatsBestBaseline() ? 1 : 0;
        tally[1] += row.modelOneMinusWape() >= 0.9 ? 1 : 0;
        tally[2]++;
        coverage.add(
            String.format(
                "%.0f %% (recalibrated %.0f %%)",
                100 * row.intervalCoverage(), 100 * row.calibratedCoverage()));
        anomalies.add(row.anomaliesRaised());
      }
      System.out.println(
          "  80 % interval (validation error quantiles) holds the actual value: "
              + String.join(", ", coverage));
      if (resource == Resource.CPU) {
        System.out.println(
            "  Anomalous raised (band 2 x interval / 3 x validation MAE): "
                + String.join(", ", anomalies));
      }
    }
  }

  /**
   * One model on equally many rows from every timeline, drawn with replacement (otherwise the 10 s
   * Alibaba timeline, 36K rows, drowns the 5-minute ones, 1-4K rows): from the whole training part,
   * or ({@code fitOnly}) from its first 80 %, leaving the rest to choose the blend weight on.
   */
  private static MlpForecaster train(
      List<Trace> usable,
      List<float[][]> features,
      Resource resource,
      int minutes,
      boolean fitOnly) {
    List<float[]> trainX = new ArrayList<>();
    List<Float> trainY = new ArrayList<>();
    for (int i = 0; i < usable.size(); i++) {
      Trace t = usable.get(i);
      double[] v = t.percent().get(resource);
      float[][] f = features.get(i);
      int h = minutes * 60 / t.stepSeconds();
      int end = fitOnly ? validationStart(t, v) : (int) (v.length * TRAIN_SHARE);
      List<Integer> origins = new ArrayList<>();
      for (int o = warmup(t); o + h < end; o++) {
        if (f[o] != null && !Double.isNaN(v[o + h])) {
          origins.add(o);
        }
      }
      Random random = new Random(7);
      for (int k = 0; k < ROWS_PER_TIMELINE; k++) {
        int o = origins.get(random.nextInt(origins.size()));
        trainX.add(f[o]);
        trainY.add((float) ((v[o + h] - f[o][0] * 100) / 100));
      }
    }
    float[] y = new float[trainY.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = trainY.get(i);
    }
    return MlpForecaster.train(
        MlpForecaster.TrainingSet.of(trainX.toArray(float[][]::new), y), plan());
  }

  /**
   * The operator's training plan; {@code -Dforecast.seed=N} (e.g. through JDK_JAVA_OPTIONS) starts
   * its networks from another seed, to see how much of a lead is seed noise, and {@code
   * -Dforecast.epochs} and {@code -Dforecast.members} change the passes and the networks, to be
   * judged by the validation error the rows print ({@code v=}).
   */
  private static MlpForecaster.Plan plan() {
    MlpForecaster.Plan standard = MlpForecaster.Plan.standard();
    return new MlpForecaster.Plan(
        Integer.getInteger("forecast.epochs", standard.epochs()),
        standard.batchSize(),
        standard.learningRate(),
        Long.getLong("forecast.seed", standard.seed()),
        Integer.getInteger("forecast.members", standard.members()));
  }

  /** The newest 20 % of the training part: where the blend weight is chosen. */
  private static int validationStart(Trace t, double[] v) {
    int split = (int) (v.length * TRAIN_SHARE);
    return warmup(t) + (int) ((split - warmup(t)) * 0.8);
  }

  /**
   * Forecasts per second for 10,000 VMs in one batch, beside the same model called once per VM, and
   * the size of its stored weights.
   */
  private static void measureInference(MlpForecaster model, float[][] features) {
    List<float[]> rows = new ArrayList<>();
    for (float[] row : features) {
      if (row != null) {
        rows.add(row);
      }
    }
    float[][] batch = new float[10_000][];
    for (int i = 0; i < batch.length; i++) {
      batch[i] = rows.get(i % rows.size());
    }
    model.predict(batch); // warm-up
    int rounds = 20;
    long started = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      model.predict(batch);
    }
    double batched = rounds * batch.length / ((System.nanoTime() - started) / 1e9);
    int single = 2_000;
    started = System.nanoTime();
    for (int i = 0; i < single; i++) {
      model.predict(new float[][] {batch[i]});
    }
    double oneByOne = single / ((System.nanoTime() - started) / 1e9);
    System.out.printf(
        "  inference: %,.0f forecasts/s in batches of %,d (%.2f ms per batch); one at a time"
            + " %,.0f/s (%.3f ms each); stored weights %,d bytes%n",
        batched,
        batch.length,
        1000.0 * batch.length / batched,
        oneByOne,
        1000 / oneByOne,
        model.parameters().length);
  }

  private record RowResult(
      boolean beatsBestBaseline,
      double modelOneMinusWape,
      double intervalCoverage,
      double calibratedCoverage,
      String anomaliesRaised) {}

  private static RowResult printRow(
      Trace trace,
      Resource resource,
      int minutes,
      float[][] f,
      MlpForecaster forBlend,
      MlpForecaster model) {
    double[] v = trace.percent().get(resource);
    int step = trace.stepSeconds();
    int h = minutes * 60 / step;
    int split = (int) (v.length * TRAIN_SHARE);
    int trainFrom = warmup(trace);
    int trainTo = split - h;

    Baseline last = new Baseline("last", Baselines.lastValue(v));
    List<Baseline> windows = new ArrayList<>();
    List<Baseline> ewmas = new ArrayList<>();
    for (int w : WINDOW_MINUTES) {
      int steps = Math.max(1, w * 60 / step);
      windows.add(new Baseline(w + " min", Baselines.movingAverage(v, steps)));
      double alpha = 1 - Math.exp(-(double) step / (w * 60));
      ewmas.add(new Baseline("tau " + w + " min", Baselines.ewma(v, alpha)));
    }
    Baseline movingAverage = Baselines.best(windows, v, h, trainFrom, trainTo);
    Baseline ewma = Baselines.best(ewmas, v, h, trainFrom, trainTo);
    Baseline seasonal =
        v.length > DAY / step + h
            ? new Baseline("1 day", Baselines.seasonalNaive(v, h, DAY / step))
            : null;

    // the blend weight is chosen on the newest part of the training data, with a model that did
    // not learn from it; the model that is scored learned from the whole training part
    int validationFrom = validationStart(trace, v);
    double[] validationMlp = mlpForecasts(forBlend, f, v.length, validationFrom, split - h);
    double weight =
        TrainedModel.bestWeight(
            w ->
                errorOver(blend(validationMlp, ewma.forecasts(), w), v, h, validationFrom, trainTo)
                    .meanAbsoluteError());
    double[] mlp = mlpForecasts(model, f, v.length, split, v.length - h);
    double[] blended = blend(mlp, ewma.forecasts(), weight);
    double[] validationBlend = blend(validationMlp, ewma.forecasts(), weight);
    Residuals residuals = new Residuals();
    for (int o = validationFrom; o < trainTo; o++) {
      if (!Double.isNaN(validationBlend[o]) && !Double.isNaN(v[o + h])) {
        residuals.add(validationBlend[o], v[o + h]);
      }
    }
    double p10 = residuals.quantile(Residuals.LOW_QUANTILE);
    double p90 = residuals.quantile(Residuals.HIGH_QUANTILE);
    double coverage = intervalCoverage(blended, v, h, split, p10, p90);
    double calibratedCoverage = calibratedCoverage(blended, v, h, step, split, p10, p90);
    double validationError =
        errorOver(validationBlend, v, h, validationFrom, trainTo).meanAbsoluteError();
    String anomalies =
        String.format(
            "%s %d / %d in %.1f days",
            trace.name(),
            anomaliesRaised(blended, v, h, step, split, p10, p90, validationError, true),
            anomaliesRaised(blended, v, h, step, split, p10, p90, validationError, false),
            (v.length - split) * step / (double) DAY);

    ForecastError blendError = errorOver(blended, v, h, split, v.length - h);
    ForecastError mlpError = errorOver(mlp, v, h, split, v.length - h);
    ForecastError lastError = errorOver(last.forecasts(), v, h, split, v.length - h);
    ForecastError maError = errorOver(movingAverage.forecasts(), v, h, split, v.length - h);
    ForecastError ewmaError = errorOver(ewma.forecasts(), v, h, split, v.length - h);
    ForecastError seasonalError =
        seasonal == null ? null : errorOver(seasonal.forecasts(), v, h, split, v.length - h);
    double bestBaseline =
        Math.min(
            Math.min(lastError.meanAbsoluteError(), maError.meanAbsoluteError()),
            Math.min(
                ewmaError.meanAbsoluteError(),
                seasonalError == null || seasonalError.count() == 0
                    ? Double.POSITIVE_INFINITY
                    : seasonalError.meanAbsoluteError()));
    System.out.printf(
        "  %-18s %-34s %-22s %-22s %-30s %-30s %-22s%n",
        trace.name(),
        cell(blendError)
            + String.format(" w=%.2f v=%.3f", weight, validationError)
            + (blendError.meanAbsoluteError() < bestBaseline ? " *" : ""),
        cell(mlpError) + (mlpError.meanAbsoluteError() < bestBaseline ? " *" : ""),
        cell(lastError),
        cell(maError) + " (" + movingAverage.name() + ")",
        cell(ewmaError) + " (" + ewma.name() + ")",
        seasonalError == null || seasonalError.count() == 0 ? "n/a" : cell(seasonalError));
    return new RowResult(
        blendError.meanAbsoluteError() < bestBaseline,
        blendError.oneMinusWape(),
        coverage,
        calibratedCoverage,
        anomalies);
  }

  /**
   * The share of evaluated actual values (from {@code split} on) inside the validated 80 %
   * interval: the forecast plus the 10th and 90th percentiles of the validation errors.
   */
  private static double intervalCoverage(
      double[] forecasts, double[] v, int h, int split, double p10, double p90) {
    int inside = 0;
    int count = 0;
    for (int o = split; o + h < v.length; o++) {
      if (!Double.isNaN(forecasts[o]) && !Double.isNaN(v[o + h])) {
        double[] interval = Residuals.interval(forecasts[o], p10, p90);
        count++;
        inside += v[o + h] >= interval[0] && v[o + h] <= interval[1] ? 1 : 0;
      }
    }
    return (double) inside / count;
  }

  /**
   * The same share for the intervals the operator serves after recalibrating each series online
   * ({@link IntervalCalibration}), fed as the operator feeds it: a forecast once a minute, every
   * value checked.
   */
  private static double calibratedCoverage(
      double[] forecasts, double[] v, int h, int step, int split, double p10, double p90) {
    IntervalCalibration calibration = new IntervalCalibration();
    int inside = 0;
    int count = 0;
    for (int o = split; o + h < v.length; o++) {
      Instant at = Instant.EPOCH.plusSeconds((long) o * step);
      if (!Double.isNaN(v[o])) {
        calibration.observe(at, v[o]);
      }
      if (!Double.isNaN(forecasts[o]) && !Double.isNaN(v[o + h]) && (long) o * step % 60 == 0) {
        double[] validated = Residuals.interval(forecasts[o], p10, p90);
        double[] served =
            calibration.serve(
                at.plusSeconds((long) h * step),
                Resource.clip(forecasts[o]),
                validated[0],
                validated[1]);
        count++;
        inside += v[o + h] >= served[0] && v[o + h] <= served[1] ? 1 : 0;
      }
    }
    return (double) inside / count;
  }

  /**
   * How often the operator's anomaly detector would have raised {@code Anomalous} over the
   * evaluated part, fed as the operator feeds it: a forecast once a minute, every value checked.
   * With {@code interval}, its band comes from the 80 % interval; without, from the validation
   * error alone (the band before intervals existed).
   */
  private static int anomaliesRaised(
      double[] forecasts,
      double[] v,
      int h,
      int step,
      int split,
      double p10,
      double p90,
      double validationError,
      boolean interval) {
    AnomalyDetector detector = new AnomalyDetector();
    int raised = 0;
    for (int o = split; o + h < v.length; o++) {
      Instant at = Instant.EPOCH.plusSeconds((long) o * step);
      if (!Double.isNaN(v[o]) && detector.observe(at, v[o]).orElse(false)) {
        raised++;
      }
      if (!Double.isNaN(forecasts[o]) && (long) o * step % 60 == 0) {
        double[] band = Residuals.interval(forecasts[o], p10, p90);
        detector.expect(
            at.plusSeconds((long) h * step),
            new Prediction(
                Resource.clip(forecasts[o]),
                "model",
                "1",
                validationError,
                interval ? band[0] : null,
                interval ? band[1] : null));
      }
    }
    return raised;
  }

  /** The MLP's forecasts for the origins [from, to) (NaN elsewhere), in percent. */
  private static double[] mlpForecasts(
      MlpForecaster model, float[][] f, int length, int from, int to) {
    List<float[]> rows = new ArrayList<>();
    List<Integer> origins = new ArrayList<>();
    for (int o = from; o < to; o++) {
      if (f[o] != null) {
        rows.add(f[o]);
        origins.add(o);
      }
    }
    float[] changes = model.predict(rows.toArray(float[][]::new));
    double[] out = new double[length];
    Arrays.fill(out, Double.NaN);
    for (int i = 0; i < origins.size(); i++) {
      int o = origins.get(i);
      out[o] = 100 * (f[o][0] + changes[i]);
    }
    return out;
  }

  private static double[] blend(double[] mlp, double[] baseline, double weight) {
    double[] out = new double[mlp.length];
    for (int o = 0; o < out.length; o++) {
      out[o] = TrainedModel.blend(weight, mlp[o], baseline[o]);
    }
    return out;
  }

  /** Origins before one hour of history are skipped: the slow averages are not settled yet. */
  private static int warmup(Trace t) {
    return Math.max(1, 3600 / t.stepSeconds());
  }

  /** Features at every origin of a series sampled every {@code step} seconds from time 0. */
  static float[][] featuresOf(double[] v, int step, long horizonSeconds) {
    long[] seconds = new long[v.length];
    for (int t = 0; t < v.length; t++) {
      seconds[t] = (long) t * step;
    }
    return featuresOf(v, seconds, step, horizonSeconds);
  }

  /** Features at every origin (null before the first value); times in seconds from the start. */
  static float[][] featuresOf(double[] v, long[] seconds, int step, long horizonSeconds) {
    FeatureState state = new FeatureState(step, horizonSeconds);
    float[][] out = new float[v.length][];
    for (int t = 0; t < v.length; t++) {
      state.add(Instant.ofEpochSecond(seconds[t]), v[t]);
      if (state.ready()) {
        out[t] = new float[FeatureState.ROW];
        state.features(out[t], 0);
        // the traces' times count from each trace's start (none has a wall clock) and their starts
        // fall at different times of day: no time of day rather than a wrong one. The daily
        // profile only needs each timeline's days to line up, which they do.
        FeatureState.forgetTimeOfDay(out[t]);
      }
    }
    return out;
  }

  /** The error of the forecasts made at the origins [from, to). */
  private static ForecastError errorOver(double[] forecasts, double[] v, int h, int from, int to) {
    ForecastError e = new ForecastError();
    for (int o = from; o < to && o + h < v.length; o++) {
      if (!Double.isNaN(forecasts[o]) && !Double.isNaN(v[o + h])) {
        e.add(forecasts[o], v[o + h]);
      }
    }
    return e;
  }

  private static String cell(ForecastError e) {
    return String.format(
        "%.2f/%.2f%%/%.1f%%",
        e.meanAbsoluteError(), 100 * e.oneMinusWape(), 100 * e.bucketAccuracy());
  }
}
