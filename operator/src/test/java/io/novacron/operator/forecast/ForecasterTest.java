package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.novacron.operator.metrics.RunningVms.RunningVm;
import io.novacron.operator.metrics.VmSample;
import io.novacron.operator.testing.RandomModels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The live forecaster before any model is trained: the last value serves. */
class ForecasterTest {
  private static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");
  private static final RunningVm VM =
      new RunningVm("00000000-0000-0000-0000-00000000000a", "ns", "vm", "pool", "h1", "test");

  /**
   * A CPU training run (version 7) whose model (validation error 4.0, weights never loaded) lost to
   * {@code baseline}: that baseline serves.
   */
  private static TrainedModel cpuBaselineServing(String baseline, TrainedModel.Score score) {
    return cpuTraining(7, 4.0, baseline, score, 1, new byte[] {1});
  }

  private static VmSample sample(Instant at, double cpu) {
    return sample(VM, at, cpu);
  }

  private static VmSample sample(RunningVm vm, Instant at, double cpu) {
    return new VmSample(
        vm.uid(), at, cpu, List.of(cpu), 1_000_000_000L, 2_000_000_000L, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void aLevelShiftIsAnomalousForAWhileThenTheForecastsCatchUpAndItClears() {
    try (Forecaster forecaster = new Forecaster(Duration.ofSeconds(10), Duration.ofMinutes(5))) {
      List<Boolean> anomalousByMinute = new ArrayList<>();
      Instant t = T0;
      for (int minute = 0; minute < 30; minute++) {
        for (int i = 0; i < 6; i++) {
          forecaster.accept(VM, sample(t, minute < 10 ? 20 : 90));
          t = t.plusSeconds(10);
        }
        List<Forecaster.VmForecast> forecasts = forecaster.forecastAll();
        assertThat(forecasts).singleElement();
        Forecaster.VmForecast f = forecasts.get(0);
        assertThat(f.cpu().predictor()).isEqualTo("last value");
        assertThat(f.cpu().lowPercent()).as("no interval before any training").isNull();
        assertThat(f.memory().percent()).isEqualTo(50.0);
        anomalousByMinute.add(f.anomaly() != null);
      }
      assertThat(anomalousByMinute.subList(0, 10)).containsOnly(false);
      assertThat(anomalousByMinute.subList(10, 20)).contains(true);
      assertThat(anomalousByMinute.subList(25, 30)).containsOnly(false);
    }
  }

  @Test
  void networkAndDiskThroughputAreForecastToo() {
    try (Forecaster forecaster = new Forecaster(Duration.ofSeconds(10), Duration.ofMinutes(5))) {
      forecaster.accept(
          VM,
          new VmSample(
              VM.uid(), T0, 20, List.of(20.0), null, null, 3_000, 1_000, 1, 1, 25_000, 5_000));
      Forecaster.VmForecast f = forecaster.forecastAll().get(0);
      assertThat(Resource.bytesPerSecond(f.network().percent()))
          .isCloseTo(30_000, within(3.0)); // features are floats
      assertThat(Resource.bytesPerSecond(f.disk().percent())).isCloseTo(4_000, within(0.4));
      assertThat(f.memory()).as("the guest reported no memory").isNull();
    }
  }

  @Test
  void vmsThatStoppedRunningAreForgotten() {
    try (Forecaster forecaster = new Forecaster(Duration.ofSeconds(10), Duration.ofMinutes(5))) {
      forecaster.accept(VM, sample(T0, 30));
      assertThat(forecaster.forecastAll()).hasSize(1);
      forecaster.retainOnly(Set.of());
      assertThat(forecaster.forecastAll()).isEmpty();
    }
  }

  @Test
  void aModelThatLostToABaselineOnValidationLeavesThatBaselineServing() {
    try (Forecaster forecaster = new Forecaster(Duration.ofSeconds(10), Duration.ofMinutes(5))) {
      for (int i = 0; i < 360; i++) {
        forecaster.accept(VM, sample(T0.plusSeconds(10L * i), i < 300 ? 20 : 80));
      }
      // shadow mode: the model's validation error (4.0) is worse than EWMA 10 min's (3.0)
      forecaster.serve(
          cpuBaselineServing("EWMA 10 min", new TrainedModel.Score(3.0, 0.92, -4.0, 2.5)));
      Forecaster.Prediction cpu = forecaster.forecastAll().get(0).cpu();
      assertThat(cpu.predictor()).isEqualTo("EWMA 10 min");
      assertThat(cpu.modelVersion()).isEqualTo("7");
      assertThat(cpu.expectedErrorPercent()).isEqualTo(3.0);
      // the 10-minute mean after 5 minutes at 80 following an hour at 20: between the two
      assertThat(cpu.percent()).isBetween(50.0, 80.0);
      // the serving baseline's validation errors, not the model's, set the interval
      assertThat(cpu.lowPercent()).isCloseTo(cpu.percent() - 4.0, within(1e-9));
      assertThat(cpu.highPercent()).isCloseTo(cpu.percent() + 2.5, within(1e-9));
    }
  }

  @Test
  void eachVmsIntervalIsRecalibratedByHowOftenItHeldThatVmsValues() {
    RunningVm jumpy =
        new RunningVm("00000000-0000-0000-0000-00000000000b", "ns", "jumpy", "pool", "h1", "t");
    try (Forecaster forecaster = new Forecaster(Duration.ofSeconds(10), Duration.ofMinutes(5))) {
      // validated interval: ±2 points
      forecaster.serve(
          cpuBaselineServing("last value", new TrainedModel.Score(3.0, 0.92, -2.0, 2.0)));
      List<Forecaster.VmForecast> forecasts = List.of();
      Random random = new Random(3);
      Instant t = T0;
      for (int minute = 0; minute < 90; minute++) {
        for (int i = 0; i < 6; i++) {
          forecaster.accept(VM, sample(VM, t, 30)); // always inside: narrowed
          forecaster.accept(jumpy, sample(jumpy, t, 20 + 40 * random.nextDouble())); // outside
          t = t.plusSeconds(10);
        }
        forecasts = forecaster.forecastAll();
      }
      for (Forecaster.VmForecast f : forecasts) {
        double halfWidth = f.cpu().highPercent() - f.cpu().percent();
        if (f.vm().equals(VM)) {
          assertThat(halfWidth).as("steady VM").isLessThan(1.0);
          assertThat(f.cpu().percent() - f.cpu().lowPercent()).isLessThan(1.0);
        } else {
          assertThat(halfWidth).as("jumpy VM").isGreaterThan(5.0);
        }
      }
      assertThat(forecasts).hasSize(2);
    }
  }

  @Test
  void aServingModelIsBlendedWithItsBaselineAtTheWeightChosenInValidation() {
    byte[] weights = RandomModels.weights(new Random(3), 512, 64);
    double alone = cpuForecast(model(weights, 1.0, 1.0));
    double baseline = cpuForecast(model(weights, 9.0, 1.0)); // loses: its baseline serves
    double half = cpuForecast(model(weights, 1.0, 0.5));
    assertThat(alone).isNotCloseTo(baseline, within(0.01));
    assertThat(half).isCloseTo((alone + baseline) / 2, within(1e-9));
  }

  private static TrainedModel model(byte[] weights, double modelError, double modelWeight) {
    return cpuTraining(
        1, modelError, "EWMA 10 min", new TrainedModel.Score(2.0, 0.92), modelWeight, weights);
  }

  private static TrainedModel cpuTraining(
      long version,
      double modelError,
      String baseline,
      TrainedModel.Score baselineScore,
      double modelWeight,
      byte[] weights) {
    return new TrainedModel(
        version,
        Resource.CPU,
        Duration.ofMinutes(5),
        T0,
        5000,
        1000,
        new TrainedModel.Score(modelError, 0.9),
        baseline,
        baselineScore,
        modelWeight,
        weights);
  }

  private static double cpuForecast(TrainedModel trained) {
    try (Forecaster forecaster = new Forecaster(Duration.ofSeconds(10), Duration.ofMinutes(5))) {
      for (int i = 0; i < 420; i++) {
        forecaster.accept(VM, sample(T0.plusSeconds(10L * i), i % 2 == 0 ? 25 : 35));
      }
      forecaster.serve(trained);
      return forecaster.forecastAll().get(0).cpu().percent();
    }
  }
}
