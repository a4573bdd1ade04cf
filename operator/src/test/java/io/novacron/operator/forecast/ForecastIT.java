package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import io.novacron.operator.metrics.VmSample;
import io.novacron.operator.store.Database;
import io.novacron.operator.store.DatabaseSettings;
import io.novacron.operator.store.PartitionMaintainer;
import io.novacron.operator.store.RollupRetention;
import io.novacron.operator.store.SampleWriter;
import io.novacron.operator.store.Timestamps;
import io.novacron.operator.testing.Directories;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Training from the real store: six hours of samples of 20 VMs written through the sample writer
 * into an embedded PostgreSQL, models trained and validated from them, stored, read back as a
 * restarted operator would, and served by the live forecaster in one batch.
 */
class ForecastIT {
  private static final Duration STEP = Duration.ofSeconds(10);
  private static final Duration HORIZON = Duration.ofMinutes(5);
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final int VMS = 20;

  private final ModelTrainer trainer =
      trainer(Duration.ofHours(6), ModelTrainer.RowLimits.operator());
  private Database db;
  private SampleWriter writer;

  /** The operator's trainer over that much history of up to 100 VMs, with those row limits. */
  private static ModelTrainer trainer(Duration history, ModelTrainer.RowLimits limits) {
    return new ModelTrainer(STEP, HORIZON, history, 100, MlpForecaster.Plan.standard(), limits);
  }

  @BeforeAll
  static void engine() {
    DjlSetup.configure(Path.of("target/djl"));
  }

  @BeforeEach
  void start() throws IOException {
    Path dir = Path.of("target/forecast-it").toAbsolutePath();
    Directories.deleteRecursively(dir);
    db = Database.open(new DatabaseSettings(null, null, null, dir));
    writer =
        new SampleWriter(
                () -> db.dataSource().getConnection(),
                new PartitionMaintainer(7, 2),
                new RollupRetention(Duration.ofDays(30), Duration.ofDays(365)),
                1_000_000,
                50_000,
                2,
                Duration.ofSeconds(25),
                Clock.systemUTC(),
                new SimpleMeterRegistry())
            .start();
  }

  @AfterEach
  void stop() {
    if (writer != null) {
      writer.close(Duration.ZERO);
    }
    if (db != null) {
      db.close();
    }
  }

  /**
   * CPU that swings around its own level with a 30-minute period plus noise: where it will be in 5
   * minutes follows from where it is heading, which the model can learn and the baselines (last
   * value, averages) cannot. Memory creeps up slowly. Network throughput swings the same way around
   * 1 MB/s (on the log scale); the disk is idle.
   */
  private static List<VmSample> history(RunningVm vm, int seed, Duration span) {
    Random random = new Random(seed);
    double level = 30 + 2 * seed;
    List<VmSample> out = new ArrayList<>();
    Instant from = NOW.minus(span);
    for (Instant at = from; at.isBefore(NOW); at = at.plus(STEP)) {
      double phase = 2 * Math.PI * (at.getEpochSecond() + 97L * seed) / 1800.0;
      double cpu = level + 20 * Math.sin(phase) + random.nextGaussian() * 2;
      long used = (long) ((0.3 + 0.4 * Duration.between(from, at).toSeconds() / 21_600.0) * 4e9);
      double received = 1e6 * Math.pow(4, Math.sin(phase)) * (1 + 0.05 * random.nextGaussian());
      out.add(
          new VmSample(
              vm.uid(),
              at,
              cpu,
              List.of(cpu),
              used,
              4_000_000_000L,
              4_000_000_000L,
              null,
              0,
              0,
              0,
              0,
              received,
              0));
    }
    return out;
  }

  private static RunningVm vm(int i) {
    return new RunningVm(new UUID(0xf0, i).toString(), "team-a", "vm-" + i, "pool", "h1", "test");
  }

  private void store(Duration span, Forecaster forecaster) {
    long total = 0;
    for (int i = 0; i < VMS; i++) {
      RunningVm vm = vm(i);
      for (VmSample s : history(vm, i, span)) {
        writer.accept(vm, s);
        forecaster.accept(vm, s);
        total++;
      }
    }
    long expected = total;
    await().atMost(Duration.ofSeconds(60)).until(() -> writer.written() == expected);
  }

  @Test
  void trainsFromTheStoreStoresTheModelAndServesEveryVmInOneBatch() throws Exception {
    try (Forecaster forecaster = new Forecaster(STEP, HORIZON)) {
      store(Duration.ofHours(6), forecaster);
      List<TrainedModel> stored = new ArrayList<>();
      try (Connection c = db.dataSource().getConnection()) {
        for (TrainedModel m : trainer.train(c, NOW)) {
          stored.add(ForecastModels.save(c, m));
        }
      }
      assertThat(stored)
          .extracting(TrainedModel::resource)
          .as("an idle disk never moved: nothing to learn, its last value serves")
          .containsExactly(Resource.CPU, Resource.MEMORY, Resource.NETWORK);
      TrainedModel cpu = stored.get(0);
      assertThat(cpu.trainingRows()).isGreaterThan(10_000);
      assertThat(cpu.validationRows()).isGreaterThan(1_000);
      // CPU with a learnable swing: the model must beat every baseline it was checked against
      assertThat(cpu.modelServes()).isTrue();
      assertThat(stored.get(2).modelServes()).as("network swings the same way").isTrue();
      assertThat(cpu.model().meanAbsoluteError()).isPositive();
      // the noise leaves errors on both sides of the forecast: an 80 % interval around it
      assertThat(cpu.model().residualP10()).isNegative();
      assertThat(cpu.model().residualP90()).isPositive();

      // as a restarted operator: the newest model comes back from the database, weights and all
      try (Connection c = db.dataSource().getConnection()) {
        TrainedModel reloaded = ForecastModels.newest(c, Resource.CPU, HORIZON).orElseThrow();
        assertThat(reloaded.version()).isEqualTo(cpu.version());
        assertThat(reloaded.parameters()).isEqualTo(cpu.parameters());
        assertThat(reloaded.baseline()).isEqualTo(cpu.baseline());
        assertThat(reloaded.model()).isEqualTo(cpu.model());
        assertThat(reloaded.baselineScore()).isEqualTo(cpu.baselineScore());
        assertThat(reloaded.modelWeight()).isEqualTo(cpu.modelWeight()).isBetween(0.25, 1.0);
        forecaster.serve(reloaded);
        forecaster.serve(ForecastModels.newest(c, Resource.MEMORY, HORIZON).orElseThrow());
        forecaster.serve(ForecastModels.newest(c, Resource.NETWORK, HORIZON).orElseThrow());
      }
      List<Forecaster.VmForecast> forecasts = forecaster.forecastAll();
      assertThat(forecasts).hasSize(VMS);
      for (Forecaster.VmForecast f : forecasts) {
        assertThat(f.cpu().predictor()).isEqualTo(Forecaster.MODEL);
        assertThat(f.cpu().modelVersion()).isEqualTo(String.valueOf(cpu.version()));
        assertThat(f.cpu().percent()).isBetween(0.0, 100.0);
        assertThat(f.cpu().expectedErrorPercent()).isEqualTo(cpu.model().meanAbsoluteError());
        assertThat(f.cpu().lowPercent()).isLessThanOrEqualTo(f.cpu().percent());
        assertThat(f.cpu().highPercent()).isGreaterThanOrEqualTo(f.cpu().percent());
        assertThat(f.cpu().highPercent()).isGreaterThan(f.cpu().lowPercent());
        assertThat(f.memory()).isNotNull();
        assertThat(f.memoryAvailable()).isEqualTo(4_000_000_000L);
        assertThat(f.network().predictor()).isEqualTo(Forecaster.MODEL);
        // the swing spans 250 kB/s - 4 MB/s
        assertThat(Resource.bytesPerSecond(f.network().percent())).isBetween(1e5, 1e7);
      }
    }
  }

  /**
   * A trainer bounded to 4,000 training rows (the six hours hold ~35,000) learns from a uniform
   * sample of exactly that many, and of 1,000 origins in each half of the validation window, and
   * still learns the swing the baselines cannot follow.
   */
  @Test
  void aBoundedTrainerLearnsFromAUniformSampleOfTheHistory() throws Exception {
    try (Forecaster forecaster = new Forecaster(STEP, HORIZON)) {
      store(Duration.ofHours(6), forecaster);
    }
    ModelTrainer bounded = trainer(Duration.ofHours(6), new ModelTrainer.RowLimits(4_000, 1_000));
    try (Connection c = db.dataSource().getConnection()) {
      TrainedModel cpu =
          bounded.train(c, NOW).stream()
              .filter(m -> m.resource() == Resource.CPU)
              .findFirst()
              .orElseThrow();
      assertThat(cpu.trainingRows()).isEqualTo(4_000);
      assertThat(cpu.validationRows()).isEqualTo(1_000);
      assertThat(cpu.modelServes()).isTrue();
      assertThat(c.getAutoCommit()).as("the connection is handed back as it came").isTrue();

      // where the history starts: one probe of the primary key per VM, not a scan of the samples
      try (Statement st = c.createStatement()) {
        st.execute("ANALYZE vm_samples");
      }
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + ModelTrainer.EARLIEST_SAMPLE)) {
        bounded.bindChosenVmsAndRange(ps, NOW.minus(Duration.ofHours(6)), NOW);
        StringBuilder plan = new StringBuilder();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        }
        assertThat(plan.toString())
            .as(plan.toString())
            .contains("Limit", "pkey")
            .doesNotContain("Seq Scan on vm_samples");
      }
    }
  }

  @Test
  void tooLittleHistoryTrainsNothingAndTheLastValueServes() throws Exception {
    try (Forecaster forecaster = new Forecaster(STEP, HORIZON)) {
      store(Duration.ofMinutes(10), forecaster);
      try (Connection c = db.dataSource().getConnection()) {
        assertThat(trainer.train(c, NOW)).isEmpty();
        assertThat(ForecastModels.newest(c, Resource.CPU, HORIZON)).isEmpty();
      }
      List<Forecaster.VmForecast> forecasts = forecaster.forecastAll();
      assertThat(forecasts).hasSize(VMS);
      assertThat(forecasts)
          .allSatisfy(f -> assertThat(f.cpu().predictor()).isEqualTo("last value"));
    }
  }

  /**
   * CPU that follows the clock: 80 % and 20 % in alternate half hours (UTC), every day alike, plus
   * noise. Five minutes ahead, the last value and every average miss each switch by 60 points; the
   * value typical of that time of day does not. With two days stored, the trainer's validation
   * window (the second day's end) has a day of profile behind it, and the seasonal baseline must
   * win among the baselines, far ahead of the last value.
   */
  @Test
  void aDailyPatternIsForecastByTheTimeOfDayBaseline() throws Exception {
    Duration span = Duration.ofDays(2);
    Instant from = NOW.minus(span).truncatedTo(ChronoUnit.HOURS);
    long total = 0;
    for (int i = 0; i < 4; i++) {
      RunningVm vm = vm(i);
      Random random = new Random(i);
      for (Instant at = from; at.isBefore(NOW); at = at.plus(STEP)) {
        double cpu = (at.getEpochSecond() / 1800 % 2 == 0 ? 80 : 20) + random.nextGaussian() * 2;
        writer.accept(
            vm,
            new VmSample(
                vm.uid(),
                at,
                cpu,
                List.of(cpu),
                1L << 30,
                4L << 30,
                4L << 30,
                null,
                0,
                0,
                0,
                0,
                0,
                0));
        total++;
      }
    }
    long expected = total;
    await().atMost(Duration.ofSeconds(120)).until(() -> writer.written() == expected);
    ModelTrainer twoDays = trainer(span, ModelTrainer.RowLimits.operator());
    try (Connection c = db.dataSource().getConnection()) {
      TrainedModel cpu =
          twoDays.train(c, NOW).stream()
              .filter(m -> m.resource() == Resource.CPU)
              .findFirst()
              .orElseThrow();
      assertThat(cpu.baseline()).isEqualTo("same time of day");
      // a switch every 30 minutes, missed by 60 points: the last value errs by ~10 on average
      assertThat(cpu.baselineScore().meanAbsoluteError()).isLessThan(4);
    }
  }

  /**
   * Daily profiles saved to PostgreSQL and loaded as a restarted operator loads them come back byte
   * for byte; saving again overwrites the VM's row; a save deletes the profiles of VMs not saved
   * for a week, and loading skips such a row.
   */
  @Test
  void dailyProfilesSurviveInTheStoreAndAWeekOldOneIsDropped() throws Exception {
    RunningVm vm = vm(1);
    Map<String, byte[]> expected = new HashMap<>();
    try (Forecaster forecaster = new Forecaster(STEP, HORIZON);
        Connection c = db.dataSource().getConnection()) {
      for (VmSample s : history(vm, 1, Duration.ofHours(25))) {
        forecaster.accept(vm, s);
      }
      forecaster.saveProfiles(expected::put);
      String gone = vm(2).uid();
      insertProfiles(c, gone, NOW.minus(Duration.ofDays(8)));
      assertThat(SavedProfiles.save(c, forecaster, NOW.minusSeconds(60))).isEqualTo(1);
      assertThat(SavedProfiles.save(c, forecaster, NOW)).isEqualTo(1);
      insertProfiles(c, vm(3).uid(), NOW.minus(Duration.ofDays(7)).minusSeconds(1));

      Map<String, byte[]> loaded = SavedProfiles.load(c, NOW);
      assertThat(loaded).containsOnlyKeys(vm.uid());
      assertThat(loaded.get(vm.uid())).isEqualTo(expected.get(vm.uid()));
      try (PreparedStatement ps =
              c.prepareStatement("SELECT vm_uid::text, saved_at FROM vm_daily_profiles");
          ResultSet rs = ps.executeQuery()) {
        Map<String, Instant> rows = new HashMap<>();
        while (rs.next()) {
          rows.put(rs.getString(1), rs.getTimestamp(2).toInstant());
        }
        assertThat(rows).containsOnlyKeys(vm.uid(), vm(3).uid()).containsEntry(vm.uid(), NOW);
      }
    }
  }

  private static void insertProfiles(Connection c, String uid, Instant savedAt) throws Exception {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO vm_daily_profiles (vm_uid, saved_at, profiles) VALUES (?::uuid, ?, ?)")) {
      ps.setString(1, uid);
      ps.setObject(2, Timestamps.utc(savedAt));
      ps.setBytes(3, new byte[Forecaster.SAVED_PROFILES_BYTES]);
      ps.executeUpdate();
    }
  }
}
