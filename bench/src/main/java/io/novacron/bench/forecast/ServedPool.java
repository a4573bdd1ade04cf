package io.novacron.bench.forecast;

import io.novacron.operator.forecast.Forecaster;
import io.novacron.operator.forecast.Resource;
import io.novacron.operator.forecast.TrainedModel;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import io.novacron.operator.metrics.VmSample;
import io.novacron.operator.testing.RandomModels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * The operator's forecaster for a pool of simulated VMs, each sampled around its own level: a day
 * of samples (every VM's daily profile filled) and an hour at the sampling step behind it, and one
 * model serving every resource.
 */
public final class ServedPool implements AutoCloseable {
  public static final Duration STEP = Duration.ofSeconds(10);
  public static final Duration HORIZON = Duration.ofMinutes(5);

  private final Forecaster forecaster = new Forecaster(STEP, HORIZON);
  private final List<RunningVm> running = new ArrayList<>();
  private final double[] level;
  private final Random random;
  private final byte[] weights;
  private Instant now = Instant.parse("2026-11-21T00:00:00Z");

  /** A model of random weights, trained here on DJL's PyTorch engine (loading it if need be). */
  public static byte[] randomWeights(Random random) {
    return RandomModels.weights(random, 2048, 256);
  }

  /**
   * The VMs with their history; {@link #serveModels()} serves {@code weights} (from {@link
   * #randomWeights}) for every resource.
   */
  public ServedPool(int vms, int hosts, Random random, byte[] weights) {
    this.random = random;
    this.weights = weights;
    this.level = new double[vms];
    for (int v = 0; v < vms; v++) {
      running.add(
          new RunningVm(
              new UUID(0xc1c1e, v).toString(), "ns", "vm-" + v, "pool", "h" + (v % hosts), "x"));
      level[v] = 5 + random.nextDouble() * 60;
    }
    for (int slot = 0; slot < 288; slot++) { // a day, one sample per 5 minutes
      sample(Duration.ofMinutes(5));
    }
    for (int warm = 0; warm < 360; warm++) { // an hour at the sampling step
      sample(STEP);
    }
  }

  /** The same model of random weights serving every resource. */
  public void serveModels() {
    for (Resource r : Resource.values()) {
      forecaster.serve(
          new TrainedModel(
              1,
              r,
              HORIZON,
              now,
              1,
              1,
              new TrainedModel.Score(1, 0.9),
              "last value",
              new TrainedModel.Score(2, 0.8),
              1,
              weights));
    }
  }

  /** One sample per VM, then the clock moves on by {@code step}. */
  public void sample(Duration step) {
    for (int v = 0; v < running.size(); v++) {
      double cpu = Math.max(0, Math.min(100, level[v] + random.nextGaussian() * 5));
      double bytes = level[v] * 1e4 * (1 + random.nextDouble());
      forecaster.accept(
          running.get(v),
          new VmSample(
              running.get(v).uid(),
              now,
              cpu,
              List.of(cpu),
              1L << 30,
              2L << 30,
              2L << 30,
              (1L << 30) + (64L << 20),
              bytes,
              bytes / 2,
              10,
              5,
              bytes * 3,
              bytes));
    }
    now = now.plus(step);
  }

  public Forecaster forecaster() {
    return forecaster;
  }

  public Instant now() {
    return now;
  }

  @Override
  public void close() {
    forecaster.close();
  }
}
