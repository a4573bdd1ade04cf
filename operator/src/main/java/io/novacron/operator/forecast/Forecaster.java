package io.novacron.operator.forecast;

import io.novacron.operator.metrics.RunningVms.RunningVm;
import io.novacron.operator.metrics.SampleSink;
import io.novacron.operator.metrics.VmSample;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every running VM's features up to date as samples arrive (CPU, memory, network and disk
 * throughput; constant memory per VM) and forecasts all VMs at once: one batched forward pass per
 * resource when the trained model serves (blended with the baseline that did best on its validation
 * window, at the weight chosen there), otherwise that baseline alone (shadow mode), or the last
 * value before any model was trained.
 */
public final class Forecaster implements SampleSink, AutoCloseable {
  public static final String MODEL = "model";

  /** The length of one VM's saved daily profiles: one per resource, in the enum's order. */
  public static final int SAVED_PROFILES_BYTES =
      Resource.values().length * FeatureState.SAVED_PROFILE_BYTES;

  private static final Logger log = LoggerFactory.getLogger(Forecaster.class);
  private final double stepSeconds;
  private final Duration horizon;
  private final Map<String, VmState> states = new ConcurrentHashMap<>();
  private final Map<Resource, Serving> serving = new EnumMap<>(Resource.class);

  /**
   * Daily profiles waiting for their VM's next sample: saved before a restart, or kept when the VM
   * stopped running (a VM that stops for the night keeps its typical day). Each waits as long as
   * its saved row does in the database, so VMs deleted meanwhile are let go.
   */
  private final Map<String, Parked> profilesToRestore = new ConcurrentHashMap<>();

  private final Clock clock;

  private record Parked(byte[] profiles, Instant since) {}

  public Forecaster(Duration step, Duration horizon) {
    this(step, horizon, Clock.systemUTC());
  }

  public Forecaster(Duration step, Duration horizon, Clock clock) {
    this.stepSeconds = step.toMillis() / 1000.0;
    this.horizon = horizon;
    this.clock = clock;
  }

  /**
   * One resource's forecast: value, which predictor made it ("model" or a baseline's name), the
   * version of the trained model it was validated against, its validation error, and an 80 %
   * interval (the last three null before any model was trained): from the validation errors, and in
   * what {@link #forecastAll} serves, recalibrated per VM ({@link IntervalCalibration}).
   */
  public record Prediction(
      double percent,
      String predictor,
      String modelVersion,
      Double expectedErrorPercent,
      Double lowPercent,
      Double highPercent) {}

  /**
   * A VM's forecasts, each null until the VM reported that resource ({@link Resource} says in what
   * unit); {@code anomaly} is null while its CPU follows its forecasts, else the latest deviation
   * that made it anomalous.
   */
  public record VmForecast(
      RunningVm vm,
      Duration horizon,
      Prediction cpu,
      Prediction memory,
      Prediction network,
      Prediction disk,
      Long memoryAvailable,
      String anomaly) {}

  private static final class VmState {
    volatile RunningVm vm;
    final Map<Resource, FeatureState> series = new EnumMap<>(Resource.class);
    final Map<Resource, IntervalCalibration> intervals = new EnumMap<>(Resource.class);
    final AnomalyDetector cpuAnomaly = new AnomalyDetector();
    Long memoryAvailable;
    Instant lastSampleAt;

    VmState(RunningVm vm, double stepSeconds, long horizonSeconds) {
      this.vm = vm;
      for (Resource r : Resource.values()) {
        series.put(r, new FeatureState(stepSeconds, horizonSeconds));
        intervals.put(r, new IntervalCalibration());
      }
    }
  }

  /** What serves one resource: a trained model that beat its baseline, or that baseline. */
  private record Serving(TrainedModel trained, MlpForecaster model) {
    String predictor() {
      return model != null ? MODEL : trained.baseline();
    }

    TrainedModel.Score score() {
      return model != null ? trained.model() : trained.baselineScore();
    }
  }

  @Override
  public void accept(RunningVm vm, VmSample sample) {
    VmState state =
        states.computeIfAbsent(vm.uid(), uid -> new VmState(vm, stepSeconds, horizon.toSeconds()));
    synchronized (state) {
      state.vm = vm;
      Parked parked = profilesToRestore.remove(vm.uid());
      if (parked != null) {
        restoreProfiles(vm.uid(), state, parked.profiles());
      }
      for (Resource r : Resource.values()) {
        double percent = r.percentOf(sample);
        state.series.get(r).add(sample.at(), percent);
        if (!Double.isNaN(percent)) {
          state.intervals.get(r).observe(sample.at(), percent);
        }
      }
      state.cpuAnomaly.observe(sample.at(), sample.cpuPercent());
      state.lastSampleAt = sample.at();
      if (!Double.isNaN(Resource.MEMORY.percentOf(sample))) {
        state.memoryAvailable = sample.memoryAvailableBytes();
      }
    }
  }

  /**
   * Lets go of the VMs that stopped running, keeping their daily profiles until they run again. One
   * kept already is older than the state let go only if a sample in flight recreated the VM's state
   * after it stopped; the kept one is then the VM's real profile.
   */
  @Override
  public void retainOnly(Set<String> runningVmUids) {
    Instant now = clock.instant();
    for (Map.Entry<String, VmState> e : states.entrySet()) {
      if (!runningVmUids.contains(e.getKey()) && states.remove(e.getKey(), e.getValue())) {
        profilesToRestore.putIfAbsent(e.getKey(), new Parked(profiles(e.getValue()), now));
      }
    }
    Instant expired = now.minus(SavedProfiles.KEPT);
    profilesToRestore.values().removeIf(p -> p.since().isBefore(expired));
  }

  /** Where {@link #saveProfiles} writes each VM's profiles. */
  @FunctionalInterface
  public interface ProfileSink<E extends Exception> {
    void accept(String vmUid, byte[] profiles) throws E;
  }

  /**
   * Hands every running VM's daily profiles ({@link #SAVED_PROFILES_BYTES} each) to {@code sink},
   * one VM at a time, so a restart can give them back ({@link #restoreProfiles}). A stopped VM's
   * saved row keeps what the last save before it stopped held.
   */
  public <E extends Exception> void saveProfiles(ProfileSink<E> sink) throws E {
    for (Map.Entry<String, VmState> e : states.entrySet()) {
      sink.accept(e.getKey(), profiles(e.getValue()));
    }
  }

  private static byte[] profiles(VmState state) {
    ByteBuffer saved = ByteBuffer.allocate(SAVED_PROFILES_BYTES);
    synchronized (state) {
      for (Resource r : Resource.values()) {
        state.series.get(r).saveProfile(saved);
      }
    }
    return saved.array();
  }

  /**
   * Gives VMs back the daily profiles saved before a restart, by VM UID; each VM takes its own at
   * its next sample (so nothing here races the sampling threads). A VM's profiles that do not fit
   * this version's layout are skipped with a warning; it learns its days again.
   */
  public void restoreProfiles(Map<String, byte[]> saved) {
    Instant now = clock.instant();
    saved.forEach(
        (uid, profiles) -> {
          if (profiles.length == SAVED_PROFILES_BYTES) {
            profilesToRestore.put(uid, new Parked(profiles, now));
          } else {
            log.warn(
                "Saved daily profiles of VM {} have {} bytes, not {}: skipped",
                uid,
                profiles.length,
                SAVED_PROFILES_BYTES);
          }
        });
  }

  private static void restoreProfiles(String uid, VmState state, byte[] saved) {
    ByteBuffer in = ByteBuffer.wrap(saved);
    for (Resource r : Resource.values()) {
      try {
        state.series.get(r).restoreProfile(in);
      } catch (IllegalArgumentException e) {
        // restore reads the whole profile before it checks it: the next one starts where it ends
        log.warn("Saved {} daily profile of VM {} is invalid, skipped: {}", r, uid, e.getMessage());
      }
    }
  }

  /** Serves this training run's result for its resource from now on. */
  public void serve(TrainedModel trained) {
    MlpForecaster model = trained.modelServes() ? MlpForecaster.load(trained.parameters()) : null;
    Serving previous;
    synchronized (serving) {
      previous = serving.put(trained.resource(), new Serving(trained, model));
    }
    if (previous != null && previous.model() != null) {
      previous.model().close();
    }
  }

  /** The serving predictor's validation error for the resource, NaN before any training. */
  public double expectedError(Resource resource) {
    synchronized (serving) {
      Serving s = serving.get(resource);
      return s == null ? Double.NaN : s.score().meanAbsoluteError();
    }
  }

  /** Forecasts every VM that has been sampled at least once. */
  public List<VmForecast> forecastAll() {
    List<VmState> ready = new ArrayList<>();
    Map<Resource, List<float[]>> features = new EnumMap<>(Resource.class);
    for (Resource r : Resource.values()) {
      features.put(r, new ArrayList<>());
    }
    List<Long> available = new ArrayList<>();
    for (VmState s : states.values()) {
      synchronized (s) {
        if (!s.series.get(Resource.CPU).ready()) {
          continue;
        }
        ready.add(s);
        s.series.forEach((r, state) -> features.get(r).add(state.ready() ? features(state) : null));
        available.add(s.memoryAvailable);
      }
    }
    synchronized (serving) {
      Map<Resource, List<Prediction>> predicted = new EnumMap<>(Resource.class);
      features.forEach((r, rows) -> predicted.put(r, predict(r, rows)));
      List<VmForecast> out = new ArrayList<>(ready.size());
      for (int i = 0; i < ready.size(); i++) {
        VmState s = ready.get(i);
        Map<Resource, Prediction> served = new EnumMap<>(Resource.class);
        String anomaly;
        synchronized (s) {
          Instant due = s.lastSampleAt.plus(horizon);
          // the band is drawn around the validated interval: recalibrating to a VM's own
          // deviation would widen it away from exactly what it is there to catch
          s.cpuAnomaly.expect(due, predicted.get(Resource.CPU).get(i));
          anomaly = s.cpuAnomaly.anomalous() ? s.cpuAnomaly.lastDeviation() : null;
          for (Resource r : Resource.values()) {
            served.put(r, recalibrated(s.intervals.get(r), due, predicted.get(r).get(i)));
          }
        }
        out.add(
            new VmForecast(
                s.vm,
                horizon,
                served.get(Resource.CPU),
                served.get(Resource.MEMORY),
                served.get(Resource.NETWORK),
                served.get(Resource.DISK),
                available.get(i),
                anomaly));
      }
      return out;
    }
  }

  /** The prediction with the interval this VM's record of hits and misses says to serve. */
  private static Prediction recalibrated(
      IntervalCalibration calibration, Instant due, Prediction p) {
    if (p == null) {
      return null;
    }
    double[] interval = calibration.serve(due, p.percent(), p.lowPercent(), p.highPercent());
    return interval == null
        ? p
        : new Prediction(
            p.percent(),
            p.predictor(),
            p.modelVersion(),
            p.expectedErrorPercent(),
            interval[0],
            interval[1]);
  }

  private static float[] features(FeatureState state) {
    float[] f = new float[FeatureState.ROW];
    state.features(f, 0);
    return f;
  }

  /** Rows may be null (no value seen yet): their prediction is null. */
  private List<Prediction> predict(Resource resource, List<float[]> rows) {
    Serving s = serving.get(resource);
    float[] changes =
        s != null && s.model() != null
            ? s.model().predict(rows.stream().filter(r -> r != null).toArray(float[][]::new))
            : null;
    int baseline = s == null ? 0 : OnlineBaselines.NAMES.indexOf(s.trained().baseline());
    String version = s == null ? null : String.valueOf(s.trained().version());
    List<Prediction> out = new ArrayList<>(rows.size());
    int k = 0;
    for (float[] row : rows) {
      if (row == null) {
        out.add(null);
        continue;
      }
      double baselinePercent = OnlineBaselines.forecast(Math.max(0, baseline), row);
      double percent =
          changes != null
              ? s.trained().blend(100 * (row[0] + changes[k]), baselinePercent)
              : baselinePercent;
      k++;
      if (s == null) {
        out.add(
            new Prediction(
                Resource.clip(percent), OnlineBaselines.NAMES.get(0), null, null, null, null));
        continue;
      }
      double[] interval = s.score().interval(percent);
      out.add(
          new Prediction(
              Resource.clip(percent),
              s.predictor(),
              version,
              s.score().meanAbsoluteError(),
              interval == null ? null : interval[0],
              interval == null ? null : interval[1]));
    }
    return out;
  }

  @Override
  public void close() {
    synchronized (serving) {
      serving.values().stream().filter(s -> s.model() != null).forEach(s -> s.model().close());
      serving.clear();
    }
  }
}
