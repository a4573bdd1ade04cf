package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.novacron.operator.metrics.RunningVms.RunningVm;
import io.novacron.operator.metrics.VmSample;
import io.novacron.operator.testing.RandomModels;
import io.novacron.operator.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        vm.uid(),
        at,
        cpu,
        List.of(cpu),
        1_000_000_000L,
        2_000_000_000L,
        2_000_000_000L,
        null,
        0,
        0,
        0,
        0,
        0,
        0);
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
              VM.uid(),
              T0,
              20,
              List.of(20.0),
              null,
              null,
              1L << 30,
              null,
              3_000,
              1_000,
              1,
              1,
              25_000,
              5_000));
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

  /**
   * Daily profiles saved from one forecaster and given to a new one (as across a restart) are taken
   * by each VM at its next sample: the new forecaster then saves exactly what the old one did, and
   * the seasonal baseline forecasts from them at once. Saves of the wrong length are skipped, and
   * so is one resource's invalid profile while the VM's other profiles are restored.
   */
  @Test
  void dailyProfilesSavedBeforeARestartAreTakenBackAtEachVmsNextSample() {
    RunningVm other =
        new RunningVm("00000000-0000-0000-0000-00000000000b", "ns", "b", "pool", "h1", "test");
    RunningVm corrupt =
        new RunningVm("00000000-0000-0000-0000-00000000000c", "ns", "c", "pool", "h1", "test");
    int twoDays = 2 * 8640;
    Map<String, byte[]> saved = new HashMap<>();
    try (Forecaster before = new Forecaster(Duration.ofSeconds(10), Duration.ofMinutes(5))) {
      for (int i = 0; i < twoDays; i++) {
        before.accept(VM, sample(T0.plusSeconds(10L * i), 50 + 30 * Math.sin(i / 700.0)));
      }
      before.saveProfiles(saved::put);
    }
    byte[] profiles = saved.get(VM.uid());
    assertThat(saved).containsOnlyKeys(VM.uid());
    assertThat(profiles).hasSize(Forecaster.SAVED_PROFILES_BYTES);
    byte[] badCpuProfile = profiles.clone();
    badCpuProfile[FeatureState.SAVED_PROFILE_BYTES - 1] = 100; // the CPU's last slot: 100 days

    Instant restart = T0.plusSeconds(10L * twoDays);
    try (Forecaster after = new Forecaster(Duration.ofSeconds(10), Duration.ofMinutes(5))) {
      after.restoreProfiles(
          Map.of(VM.uid(), profiles, other.uid(), new byte[10], corrupt.uid(), badCpuProfile));
      after.serve(cpuBaselineServing("same time of day", new TrainedModel.Score(3.0, 0.95)));
      for (RunningVm vm : List.of(VM, other, corrupt)) {
        after.accept(vm, sample(vm, restart, 5));
      }
      Map<String, byte[]> resaved = new HashMap<>();
      after.saveProfiles(resaved::put);
      assertThat(resaved.get(VM.uid())).isEqualTo(profiles);
      assertThat(resaved.get(other.uid())).isEqualTo(new byte[Forecaster.SAVED_PROFILES_BYTES]);
      byte[] corruptResaved = resaved.get(corrupt.uid());
      int cpuEnd = FeatureState.SAVED_PROFILE_BYTES;
      assertThat(Arrays.copyOf(corruptResaved, cpuEnd)).isEqualTo(new byte[cpuEnd]);
      assertThat(Arrays.copyOfRange(corruptResaved, cpuEnd, corruptResaved.length))
          .isEqualTo(Arrays.copyOfRange(profiles, cpuEnd, profiles.length));

      Map<String, Double> cpuByVm = new HashMap<>();
      after.forecastAll().forEach(f -> cpuByVm.put(f.vm().uid(), f.cpu().percent()));
      // the typical 12:05 of the two days before, far from the 5 % just sampled; without a
      // profile the seasonal baseline has only that last value
      assertThat(cpuByVm.get(VM.uid())).isGreaterThan(20);
      assertThat(cpuByVm.get(other.uid())).isCloseTo(5.0, within(1e-6));
    }
  }

  @Test
  void aVmThatStopsKeepsItsDailyProfileUntilItRunsAgainForAsLongAsItsSavedRowIsKept() {
    int twoDays = 2 * 8640;
    Instant stopped = T0.plusSeconds(10L * twoDays);
    SettableClock clock = new SettableClock(stopped);
    try (Forecaster forecaster =
        new Forecaster(Duration.ofSeconds(10), Duration.ofMinutes(5), clock)) {
      for (int i = 0; i < twoDays; i++) {
        forecaster.accept(VM, sample(T0.plusSeconds(10L * i), 50 + 30 * Math.sin(i / 700.0)));
      }
      Map<String, byte[]> beforeStop = new HashMap<>();
      forecaster.saveProfiles(beforeStop::put);

      forecaster.retainOnly(Set.of()); // stopped
      Map<String, byte[]> whileStopped = new HashMap<>();
      forecaster.saveProfiles(whileStopped::put);
      assertThat(whileStopped).isEmpty();
      assertThat(forecaster.forecastAll()).isEmpty();

      Instant started = stopped.plus(Duration.ofDays(6)); // within the week its row is kept
      clock.set(started);
      forecaster.retainOnly(Set.of());
      forecaster.accept(VM, sample(VM, started, 5));
      Map<String, byte[]> afterStart = new HashMap<>();
      forecaster.saveProfiles(afterStart::put);
      assertThat(afterStart.get(VM.uid())).isEqualTo(beforeStop.get(VM.uid()));

      forecaster.retainOnly(Set.of()); // stopped again, this time for longer than a week
      clock.set(started.plus(Duration.ofDays(7)).plusSeconds(1));
      forecaster.retainOnly(Set.of());
      forecaster.accept(VM, sample(VM, clock.instant(), 5));
      Map<String, byte[]> afterAWeek = new HashMap<>();
      forecaster.saveProfiles(afterAWeek::put);
      assertThat(afterAWeek.get(VM.uid())).isEqualTo(new byte[Forecaster.SAVED_PROFILES_BYTES]);
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
