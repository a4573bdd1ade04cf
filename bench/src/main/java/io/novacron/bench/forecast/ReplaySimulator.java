package io.novacron.bench.forecast;

import io.novacron.operator.forecast.Baselines;
import io.novacron.operator.forecast.DjlSetup;
import io.novacron.operator.forecast.ForecastError;
import io.novacron.operator.forecast.MlpForecaster;
import io.novacron.operator.forecast.Resource;
import io.novacron.operator.forecast.TrainedModel;
import io.novacron.operator.placement.HostView;
import io.novacron.operator.placement.PlacementPlanner;
import io.novacron.operator.placement.RebalancePlanner;
import io.novacron.operator.placement.VmRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Replays the shared traces onto a simulated pool and compares three policies over the same replay:
 * no rebalancing; reactive (moves planned from current usage every step, like the descheduler's
 * LowNodeUtilization); and NovaCron's (moves planned from forecasts: the model's blended with an
 * EWMA's, as the operator serves them). Both moving policies use the same planner and move limit,
 * at every threshold 1-5, and their moves take effect within the step. Every CPU series is taken at
 * a 5-minute step; each VM replays one series from the evaluation part (after the 70 % cut), scaled
 * and phase-shifted, with noise, starting where a usage-aware scheduler put it; the day before its
 * replay is fed to its features first, so its daily profile is filled. The model learns, as the
 * operator's does, from VMs' history: VMs made the same way from the training parts only. Args:
 * [vms=10000] [hosts=1000] [steps=288].
 */
public final class ReplaySimulator {
  private static final int STEP_SECONDS = 300;
  private static final double TRAIN_SHARE = 0.7;
  private static final int VCPUS = 2;
  private static final int HOST_CPUS = 14;
  private static final int MOVES_PER_STEP = 5;
  // the history VMs' first hour (5-minute steps) is not learnt from: their slow averages settle
  private static final int WARMUP = 12;
  private static final int HISTORY_VMS_PER_SERIES = 20;
  private static final int DAY_STEPS = 86_400 / STEP_SECONDS;

  public static void main(String[] args) throws IOException {
    int vms = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 288;
    Path repo = Path.of("").toAbsolutePath();
    DjlSetup.configure(repo.resolve("bench/target/djl"));
    List<Path> files = new ArrayList<>();
    try (Stream<Path> all = Files.walk(repo.resolve("../shared/data/traces"))) {
      all.filter(p -> p.toString().endsWith(".csv")).sorted().forEach(files::add);
    }
    List<double[]> series = new ArrayList<>();
    for (Trace t : Trace.load(files, TRAIN_SHARE)) {
      double[] cpu = t.percent().get(Resource.CPU);
      int every = STEP_SECONDS / t.stepSeconds();
      double[] fiveMinute = new double[cpu.length / every];
      for (int i = 0; i < fiveMinute.length; i++) {
        fiveMinute[i] = cpu[i * every];
      }
      series.add(fiveMinute);
    }

    Random random = new Random(11);
    double[][] usage = new double[vms][];
    // each VM's day before the replay and the replay: the day fills the VM's daily profile, as an
    // operator that has watched the VM for a day has it (the model learnt with profiles filled)
    double[][] lived = new double[vms][];
    for (int v = 0; v < vms; v++) {
      double[] s = series.get(v % series.size());
      int split = (int) (s.length * TRAIN_SHARE);
      int room = s.length - split - steps - 1;
      int offset = split + (room > 0 ? random.nextInt(room) : 0);
      lived[v] = vmUsage(s, offset - DAY_STEPS, DAY_STEPS + steps + 1, random);
      usage[v] = Arrays.copyOfRange(lived[v], DAY_STEPS, lived[v].length);
    }
    // the history the model learns from, as the operator's comes from its VMs: VMs made the same
    // way from the training parts only
    List<double[]> history = new ArrayList<>();
    Random historyRandom = new Random(12);
    for (int k = 0; k < HISTORY_VMS_PER_SERIES; k++) {
      for (double[] s : series) {
        history.add(vmUsage(s, 0, (int) (s.length * TRAIN_SHARE), historyRandom));
      }
    }

    double demand = 0;
    for (double[] u : usage) {
      for (int t = 1; t <= steps; t++) {
        demand += u[t] / 100 * VCPUS / steps;
      }
    }
    System.out.printf(
        "Mean demand %.0f %% of the pool's CPUs%n", 100 * demand / ((double) hosts * HOST_CPUS));
    long started = System.nanoTime();
    double alpha = bestEwmaAlpha(history);
    try (MlpForecaster forBlend = train(history, true);
        MlpForecaster model = train(history, false)) {
      double weight = bestWeight(forBlend, history, alpha);
      System.out.printf(
          "Forecasts: %.2f of the model's, the rest an EWMA's (time constant %.0f min), the share"
              + " chosen on the newest 20 %% of the training part%n",
          weight, -STEP_SECONDS / Math.log(1 - alpha) / 60);
      double[][] forecasts = forecastAll(model, lived, vms, steps, alpha, weight);
      ForecastError forecastError = new ForecastError();
      ForecastError lastValueError = new ForecastError();
      for (int v = 0; v < vms; v++) {
        for (int t = 0; t < steps; t++) {
          forecastError.add(forecasts[v][t], usage[v][t + 1]);
          lastValueError.add(usage[v][t], usage[v][t + 1]);
        }
      }
      System.out.printf(
          "Next-step CPU error over the replay (MAE, points): forecasts %.2f, current usage %.2f%n",
          forecastError.meanAbsoluteError(), lastValueError.meanAbsoluteError());
      System.out.printf(
          "Replay: %,d VMs (2 vCPUs) on %,d hosts (%d CPUs), %d steps of 5 minutes from %d trace"
              + " timelines; model trained and run in %.1f s%n",
          vms, hosts, HOST_CPUS, steps, series.size(), (System.nanoTime() - started) / 1e9);
      System.out.printf(
          "%n  %-34s %16s %16s %12s %12s%n",
          "policy", "overload min", "above-80% min", "migrations", "imbalance");
      report("no rebalancing", simulate(usage, null, hosts, steps, 0));
      // a threshold trades migrations for hot hosts: compared at every threshold, not one
      for (int threshold = 1; threshold <= 5; threshold++) {
        report("reactive, threshold " + threshold, simulate(usage, null, hosts, steps, threshold));
        report(
            "NovaCron, threshold " + threshold,
            simulate(usage, forecasts, hosts, steps, threshold));
      }
    }
  }

  /**
   * One VM's usage: {@code length} steps of the series from {@code offset}, scaled 0.4-1.6× and
   * with noise of 3 points, within 0-100 %.
   */
  private static double[] vmUsage(double[] s, int offset, int length, Random random) {
    double scale = 0.4 + 1.2 * random.nextDouble();
    double[] out = new double[length];
    for (int t = 0; t < length; t++) {
      double x = scale * s[Math.min(s.length - 1, offset + t)] + random.nextGaussian() * 3;
      out[t] = Math.max(0, Math.min(100, x));
    }
    return out;
  }

  private record Outcome(long overloadMinutes, long hotMinutes, int migrations, double imbalance) {}

  private static void report(String policy, Outcome o) {
    System.out.printf(
        "  %-34s %,16d %,16d %,12d %12.4f%n",
        policy, o.overloadMinutes(), o.hotMinutes(), o.migrations(), o.imbalance());
  }

  /**
   * Steps through the replay; before each step the policy may move VMs (planned from the usage just
   * seen or from the forecast of the coming step) at the planner's {@code threshold} (0: never
   * moves), then the step's real usage is scored.
   */
  private static Outcome simulate(
      double[][] usage, double[][] forecasts, int hosts, int steps, int threshold) {
    int vms = usage.length;
    int[] hostOf = initialPlacement(usage, hosts);
    RebalancePlanner planner = new RebalancePlanner(new PlacementPlanner(4, 1));
    long overload = 0;
    long hot = 0;
    int migrations = 0;
    double imbalance = 0;
    for (int t = 0; t < steps; t++) {
      if (threshold > 0) {
        List<RebalancePlanner.Candidate> candidates = new ArrayList<>(vms);
        for (int v = 0; v < vms; v++) {
          double cpu = forecasts == null ? usage[v][t] : forecasts[v][t];
          candidates.add(
              new RebalancePlanner.Candidate(
                  String.valueOf(v),
                  "ns",
                  "vm-" + v,
                  "h" + hostOf[v],
                  new VmRequest(VCPUS, 2048, Map.of(), null, null),
                  cpu / 100 * VCPUS,
                  0));
        }
        for (RebalancePlanner.Move m :
            planner.plan(views(hosts, hostOf), candidates, threshold, Set.of(), MOVES_PER_STEP)) {
          hostOf[Integer.parseInt(m.vm().uid())] = Integer.parseInt(m.to().substring(1));
          migrations++;
        }
      }
      double[] cores = new double[hosts];
      for (int v = 0; v < vms; v++) {
        cores[hostOf[v]] += usage[v][t + 1] / 100 * VCPUS;
      }
      double sum = 0;
      double squares = 0;
      for (double c : cores) {
        double u = c / HOST_CPUS;
        overload += u > 1 ? 5 : 0;
        hot += u > 0.8 ? 5 : 0;
        sum += u;
        squares += u * u;
      }
      double mean = sum / hosts;
      imbalance += Math.sqrt(Math.max(0, squares / hosts - mean * mean)) / steps;
    }
    return new Outcome(overload, hot, migrations, imbalance);
  }

  /**
   * Where a usage-aware scheduler would have put the VMs at the start: the busiest first, each on
   * the host least used so far. Without it, hosts overloaded by a blind start dominate the figures
   * and every policy spends its first hours on the same clean-up.
   */
  private static int[] initialPlacement(double[][] usage, int hosts) {
    Integer[] order = new Integer[usage.length];
    for (int v = 0; v < order.length; v++) {
      order[v] = v;
    }
    Arrays.sort(order, (a, b) -> Double.compare(usage[b][0], usage[a][0]));
    PriorityQueue<double[]> leastUsed =
        new PriorityQueue<>(Comparator.comparingDouble((double[] h) -> h[1]));
    for (int h = 0; h < hosts; h++) {
      leastUsed.add(new double[] {h, 0});
    }
    int[] hostOf = new int[usage.length];
    for (int v : order) {
      double[] host = leastUsed.poll();
      hostOf[v] = (int) host[0];
      host[1] += usage[v][0];
      leastUsed.add(host);
    }
    return hostOf;
  }

  private static List<HostView> views(int hosts, int[] hostOf) {
    int[] count = new int[hosts];
    for (int h : hostOf) {
      count[h]++;
    }
    List<HostView> out = new ArrayList<>(hosts);
    for (int h = 0; h < hosts; h++) {
      out.add(
          new HostView(
              "h" + h,
              true,
              null,
              false,
              Map.of(),
              HOST_CPUS,
              262_144,
              count[h] * VCPUS,
              count[h] * 2048L,
              Set.of()));
    }
    return out;
  }

  /**
   * The model of the evaluation, 5 minutes ahead, on the history VMs' whole series, or ({@code
   * fitOnly}) on their first 80 %, leaving the rest to choose the blend weight on.
   */
  private static MlpForecaster train(List<double[]> series, boolean fitOnly) {
    List<float[]> x = new ArrayList<>();
    List<Float> y = new ArrayList<>();
    for (double[] s : series) {
      float[][] f = EvaluateTraces.featuresOf(s, STEP_SECONDS, STEP_SECONDS);
      int end = fitOnly ? validationStart(s) : s.length;
      for (int t = WARMUP; t + 1 < end; t++) {
        x.add(f[t]);
        y.add((float) ((s[t + 1] - s[t]) / 100));
      }
    }
    float[] targets = new float[y.size()];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = y.get(i);
    }
    return MlpForecaster.train(
        MlpForecaster.TrainingSet.of(x.toArray(float[][]::new), targets),
        MlpForecaster.Plan.standard());
  }

  private static int validationStart(double[] s) {
    return WARMUP + (int) ((s.length - WARMUP) * 0.8);
  }

  /** The EWMA time constant (5 to 60 minutes) that forecasts the history VMs best. */
  private static double bestEwmaAlpha(List<double[]> series) {
    double best = 0;
    double bestError = Double.POSITIVE_INFINITY;
    for (int minutes : new int[] {5, 15, 30, 60}) {
      double alpha = 1 - Math.exp(-(double) STEP_SECONDS / (minutes * 60));
      ForecastError e = new ForecastError();
      for (double[] s : series) {
        double[] ewma = Baselines.ewma(s, alpha);
        for (int t = WARMUP; t + 1 < s.length; t++) {
          e.add(ewma[t], s[t + 1]);
        }
      }
      if (e.meanAbsoluteError() < bestError) {
        bestError = e.meanAbsoluteError();
        best = alpha;
      }
    }
    return best;
  }

  /** The model's share (as the operator's trainer tries them) that forecasts best on validation. */
  private static double bestWeight(MlpForecaster model, List<double[]> series, double alpha) {
    List<double[]> mlp = new ArrayList<>();
    List<double[]> ewma = new ArrayList<>();
    for (double[] s : series) {
      int from = validationStart(s);
      float[] change =
          model.predict(
              Arrays.copyOfRange(
                  EvaluateTraces.featuresOf(s, STEP_SECONDS, STEP_SECONDS), from, s.length - 1));
      double[] forecasts = new double[change.length];
      for (int i = 0; i < change.length; i++) {
        forecasts[i] = s[from + i] + 100 * change[i];
      }
      mlp.add(forecasts);
      ewma.add(Arrays.copyOfRange(Baselines.ewma(s, alpha), from, s.length - 1));
    }
    return TrainedModel.bestWeight(
        weight -> {
          ForecastError e = new ForecastError();
          for (int k = 0; k < series.size(); k++) {
            double[] s = series.get(k);
            int from = validationStart(s);
            for (int i = 0; i < mlp.get(k).length; i++) {
              e.add(TrainedModel.blend(weight, mlp.get(k)[i], ewma.get(k)[i]), s[from + i + 1]);
            }
          }
          return e.meanAbsoluteError();
        });
  }

  /**
   * Each VM's forecast of step t+1 made at step t of the replay, from features of its own usage:
   * the day before the replay, then the replay up to t.
   */
  private static double[][] forecastAll(
      MlpForecaster model, double[][] lived, int vms, int steps, double alpha, double weight) {
    double[][] out = new double[vms][steps];
    float[][][] features = new float[vms][][];
    double[][] ewma = new double[vms][];
    for (int v = 0; v < vms; v++) {
      features[v] = EvaluateTraces.featuresOf(lived[v], STEP_SECONDS, STEP_SECONDS);
      ewma[v] = Baselines.ewma(lived[v], alpha);
    }
    for (int t = 0; t < steps; t++) {
      int at = DAY_STEPS + t;
      float[][] batch = new float[vms][];
      for (int v = 0; v < vms; v++) {
        batch[v] = features[v][at];
      }
      float[] change = model.predict(batch);
      for (int v = 0; v < vms; v++) {
        double mlp = lived[v][at] + 100 * change[v];
        double blended = TrainedModel.blend(weight, mlp, ewma[v][at]);
        out[v][t] = Math.max(0, Math.min(100, blended));
      }
    }
    return out;
  }
}
