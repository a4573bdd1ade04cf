package io.novacron.bench.forecast;

import io.novacron.bench.ResidentMemory;
import io.novacron.operator.forecast.DjlSetup;
import io.novacron.operator.forecast.FeatureState;
import io.novacron.operator.forecast.Forecaster;
import io.novacron.operator.forecast.MlpForecaster;
import io.novacron.operator.forecast.Resource;
import io.novacron.operator.forecast.SavedProfiles;
import io.novacron.operator.placement.HostView;
import io.novacron.operator.placement.PlacementPlanner;
import io.novacron.operator.placement.RebalancePlanner;
import io.novacron.operator.placement.VmRequest;
import io.novacron.operator.store.Database;
import io.novacron.operator.store.DatabaseSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One forecasting cycle for 10,000 VMs on 1,000 hosts, timed piece by piece: one sample per VM into
 * the features, every VM forecast (a trained model serving each resource, batched), and a
 * rebalancing round over the pool, after a day of samples (every VM's daily profile filled) and an
 * hour at the sampling step. The operator runs a cycle every minute for as long as it runs: the
 * first cycles (JIT compilation, PyTorch's first calls) are timed apart from the steady state.
 * Baseline in the same run: the same forecasts one VM at a time. Also the heap the forecaster's
 * per-VM state takes, the memory serving the models adds outside the heap, and the time to save and
 * load every VM's daily profiles. Args: [vms=10000] [hosts=1000] [measured cycles=30].
 */
public final class CycleBenchmark {
  public static void main(String[] args) {
    int vms = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int cycles = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    DjlSetup.configure(Path.of("").toAbsolutePath().resolve("bench/target/djl"));
    Random random = new Random(3);
    byte[] weights = ServedPool.randomWeights(random);

    long heapBefore = usedHeap();
    ServedPool pool = new ServedPool(vms, hosts, random, weights);
    Forecaster forecaster = pool.forecaster();
    long heapAfter = usedHeap();
    long beforeModelsKiB = ResidentMemory.anonymousKiB();
    pool.serveModels();
    List<HostView> views = new ArrayList<>();
    for (int h = 0; h < hosts; h++) {
      // 8 CPUs for ten 2-vCPU VMs: the busier hosts are forecast above the ceiling
      views.add(new HostView("h" + h, true, null, false, Map.of(), 8, 262_144, 0, 0, Set.of()));
    }
    RebalancePlanner planner = new RebalancePlanner(new PlacementPlanner(4, 1));

    int warmup = 10;
    double[] feedMs = new double[warmup + cycles];
    double[] forecastMs = new double[warmup + cycles];
    double[] planMs = new double[warmup + cycles];
    int moves = 0;
    ResidentMemory.Peak duringCycles = new ResidentMemory.Peak();
    for (int c = 0; c < warmup + cycles; c++) {
      long a = System.nanoTime();
      pool.sample(ServedPool.STEP);
      long b = System.nanoTime();
      List<Forecaster.VmForecast> forecasts = forecaster.forecastAll();
      long d = System.nanoTime();
      List<RebalancePlanner.Candidate> candidates = new ArrayList<>(forecasts.size());
      for (Forecaster.VmForecast f : forecasts) {
        candidates.add(
            new RebalancePlanner.Candidate(
                f.vm().uid(),
                "ns",
                f.vm().name(),
                f.vm().host(),
                new VmRequest(2, 2048, Map.of(), null, null),
                f.cpu().percent() / 100 * 2,
                2.0 * (1L << 30)));
      }
      moves = planner.plan(views, candidates, 3, Set.of(), 5).size();
      long e = System.nanoTime();
      feedMs[c] = (b - a) / 1e6;
      forecastMs[c] = (d - b) / 1e6;
      planMs[c] = (e - d) / 1e6;
    }

    long directPeak = duringCycles.directPeakBytes();
    duringCycles.close();
    collectGarbage(); // so the heap's share of what is resident is what it was before
    long afterCyclesKiB = ResidentMemory.anonymousKiB();

    // baseline: the same model, one VM at a time
    float[][] rows = new float[vms][FeatureState.FEATURES];
    for (float[] row : rows) {
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextFloat();
      }
    }
    double oneByOneMs;
    try (MlpForecaster model = MlpForecaster.load(weights)) {
      long a = System.nanoTime();
      for (float[] row : rows) {
        model.predict(new float[][] {row});
      }
      oneByOneMs = (System.nanoTime() - a) / 1e6;
    }
    ProfileSaving saving = saveAndLoadProfiles(forecaster, pool.now());
    pool.close();

    System.out.printf(
        "%nForecast cycle, %,d VMs on %,d hosts (median of %d cycles after %d warm-up cycles):%n",
        vms, hosts, cycles, warmup);
    double feed = median(steady(feedMs, warmup));
    double forecast = median(steady(forecastMs, warmup));
    double plan = median(steady(planMs, warmup));
    System.out.printf("  features (one sample per VM)        %8.1f ms%n", feed);
    int resources = Resource.values().length;
    System.out.printf(
        "  forecasts (%d resources, batched)   %8.1f ms   (%,.0f VMs/s, %,.0f forecasts/s)%n",
        resources, forecast, vms / forecast * 1000, resources * vms / forecast * 1000);
    System.out.printf("  rebalancing round (%d moves)         %8.1f ms%n", moves, plan);
    System.out.printf("  whole cycle                         %8.1f ms%n", feed + forecast + plan);
    System.out.printf(
        "  first cycle (cold)                  %8.1f ms   (forecasts %.1f ms)%n",
        feedMs[0] + forecastMs[0] + planMs[0], forecastMs[0]);
    System.out.printf(
        "  warm-up cycles, median              %8.1f ms%n",
        median(Arrays.copyOf(feedMs, warmup))
            + median(Arrays.copyOf(forecastMs, warmup))
            + median(Arrays.copyOf(planMs, warmup)));
    System.out.printf(
        "  baseline: CPU forecasts one VM at a time %8.1f ms (%,.0f/s)%n",
        oneByOneMs, vms / oneByOneMs * 1000);
    System.out.printf(
        "  forecaster state on the heap: ~%,d MB for %,d VMs%n",
        (heapAfter - heapBefore) >> 20, vms);
    System.out.printf(
        "  resident outside the heap, from serving the models through the cycles: +%,d MB"
            + " (PyTorch's tensors and allocator, JIT code; heap pages first touched meanwhile"
            + " count too unless the heap is pre-touched); direct buffers at most %,d MB during"
            + " the cycles%n",
        (afterCyclesKiB - beforeModelsKiB) >> 10, directPeak >> 20);
    System.out.printf(
        "  daily profiles to/from an embedded PostgreSQL (hourly and on stop / at start):"
            + " saved in %.0f / %.0f / %.0f ms, loaded in %.0f / %.0f / %.0f ms (%,d MB)%n",
        saving.saveMs()[0],
        saving.saveMs()[1],
        saving.saveMs()[2],
        saving.loadMs()[0],
        saving.loadMs()[1],
        saving.loadMs()[2],
        (long) vms * Forecaster.SAVED_PROFILES_BYTES >> 20);
  }

  private record ProfileSaving(double[] saveMs, double[] loadMs) {}

  /**
   * Three saves (the first inserts, the others overwrite) and three loads of every VM's profiles.
   */
  private static ProfileSaving saveAndLoadProfiles(Forecaster forecaster, Instant now) {
    Path dir = Path.of("").toAbsolutePath().resolve("bench/target/cycle-profiles-db");
    double[] saveMs = new double[3];
    double[] loadMs = new double[3];
    try (Database db = Database.open(new DatabaseSettings(null, null, null, dir));
        Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement()) {
      st.execute("TRUNCATE vm_daily_profiles"); // the database outlives the run
      for (int i = 0; i < 3; i++) {
        long a = System.nanoTime();
        SavedProfiles.save(c, forecaster, now);
        saveMs[i] = (System.nanoTime() - a) / 1e6;
      }
      for (int i = 0; i < 3; i++) {
        long a = System.nanoTime();
        SavedProfiles.load(c, now);
        loadMs[i] = (System.nanoTime() - a) / 1e6;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return new ProfileSaving(saveMs, loadMs);
  }

  private static long usedHeap() {
    collectGarbage();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  private static void collectGarbage() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
  }

  private static double[] steady(double[] perCycle, int warmup) {
    return Arrays.copyOfRange(perCycle, warmup, perCycle.length);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
