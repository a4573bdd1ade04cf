package io.novacron.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.novacron.crds.nodepool.HostStatus;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.operator.forecast.DjlSetup;
import io.novacron.operator.forecast.ForecastModels;
import io.novacron.operator.forecast.Forecaster;
import io.novacron.operator.forecast.Resource;
import io.novacron.operator.forecast.TrainedModel;
import io.novacron.operator.store.Database;
import io.novacron.operator.store.Timestamps;
import io.novacron.operator.testing.FastOperatorConfig;
import io.novacron.operator.testing.HttpGets;
import io.novacron.operator.testing.RandomModels;
import io.novacron.operator.testing.RestartablePostgres;
import io.novacron.policy.TestVms;
import io.novacron.policy.testing.MockApi;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole operator forecasting a running VM (libvirt's test driver): the model stored in
 * PostgreSQL before the operator started is loaded and serves, and its forecast reaches the VM's
 * status with the predictor and its validation error; a stored model that cannot be loaded leaves
 * the last value serving instead of stopping the forecasts.
 */
class OperatorForecastIT {
  private static final String NS = "forecast";
  private static final Duration HORIZON = Duration.ofSeconds(5);
  private RestartablePostgres postgres;
  private MockApi api;
  private NovaCronOperator operator;

  @BeforeEach
  void start() throws Exception {
    postgres = RestartablePostgres.startClean(Path.of("target/forecast-operator-it"));
    api = MockApi.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (operator != null) {
      operator.close();
    }
    if (api != null) {
      api.close();
    }
    postgres.close();
  }

  @Test
  void theStoredModelServesAndTheForecastReachesTheVmStatus() throws Exception {
    long version = storeCpuModel(trainedParameters());
    startOperator();
    VirtualMachineStatus.Forecast forecast = awaitForecast();
    assertThat(forecast.predictor).isEqualTo("model");
    assertThat(forecast.modelVersion).isEqualTo(String.valueOf(version));
    assertThat(forecast.cpuErrorPercent).isEqualTo(1.5);
    assertThat(forecast.horizonSeconds).isEqualTo(HORIZON.toSeconds());
    assertThat(forecast.cpuPercent)
        .singleElement()
        .satisfies(p -> assertThat(p).isBetween(0.0, 100.0));
    double cpu = forecast.cpuPercent.get(0);
    // the 80 % interval from the model's validation errors (10th percentile -2, 90th +3)
    assertThat(forecast.cpuPercentP10)
        .singleElement()
        .satisfies(p -> assertThat(p).isCloseTo(Math.max(0, cpu - 2), within(0.11)));
    assertThat(forecast.cpuPercentP90)
        .singleElement()
        .satisfies(p -> assertThat(p).isCloseTo(Math.min(100, cpu + 3), within(0.11)));
    assertThat(Instant.parse(forecast.generatedAt)).isAfter(Instant.now().minusSeconds(60));
    // the pool's host carries its VMs' forecast
    HostStatus host =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    api.client()
                        .resources(NodePool.class)
                        .withName("forecast-pool")
                        .get()
                        .getStatus()
                        .hosts
                        .get(0),
                h -> h.forecastCpuPercent != null && h.forecastMemoryMiB != null);
    assertThat(host.forecastCpuPercent).isBetween(0.0, 100.0);
    // written with the hosts' forecasts: one host is as even as a pool gets
    assertThat(api.client().resources(NodePool.class).withName("forecast-pool").get().getStatus())
        .satisfies(s -> assertThat(s.imbalance).isEqualTo(0.0));
    String metrics = HttpGets.get("http://127.0.0.1:" + operator.httpPort() + "/metrics").body();
    assertThat(metrics)
        .contains(
            "novacron_forecast_cycle_seconds_count",
            "novacron_forecast_error{resource=\"cpu\"} 1.5",
            "novacron_rebalance_recommendations_total");
  }

  /**
   * A VM's daily profiles saved before the operator started come back: with the seasonal baseline
   * serving CPU, the VM's forecast is the typical value saved (77 % at every time of day), not its
   * last value, and the operator saves the profiles again when it stops.
   */
  @Test
  void aVmsSavedDailyProfileServesAfterAStartAndIsSavedAgainOnStop() throws Exception {
    String uid = createPoolAndVm();
    assertThat(uid).isNotNull();
    Instant savedAt = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    try (Database db = Database.open(postgres.settings());
        Connection c = db.dataSource().getConnection()) {
      storeCpuModel(c, new byte[] {1}, new TrainedModel.Score(3.0, 0.9), "same time of day");
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO vm_daily_profiles (vm_uid, saved_at, profiles) VALUES (?::uuid, ?, ?)")) {
        ps.setString(1, uid);
        ps.setObject(2, Timestamps.utc(savedAt));
        ps.setBytes(3, everySlotAt(0.77f));
        ps.executeUpdate();
      }
    }
    startOperator();
    VirtualMachineStatus.Forecast forecast =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                this::currentForecast, f -> f != null && Math.abs(f.cpuPercent.get(0) - 77) < 1e-3);
    assertThat(forecast.predictor).isEqualTo("same time of day");

    operator.close();
    operator = null;
    try (Database db = Database.open(postgres.settings());
        Connection c = db.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT saved_at, profiles FROM vm_daily_profiles WHERE vm_uid = ?::uuid")) {
      ps.setString(1, uid);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getTimestamp(1).toInstant()).isAfter(savedAt);
        assertThat(ByteBuffer.wrap(rs.getBytes(2)).getFloat(0)).isEqualTo(0.77f);
      }
    }
  }

  /** Every resource's profile with a week of days at {@code level} in every slot. */
  private static byte[] everySlotAt(float level) {
    int slots = 288;
    ByteBuffer out = ByteBuffer.allocate(Forecaster.SAVED_PROFILES_BYTES);
    for (Resource r : Resource.values()) {
      for (int s = 0; s < slots; s++) {
        out.putFloat(level);
      }
      for (int s = 0; s < slots; s++) {
        out.put((byte) 7);
      }
    }
    return out.array();
  }

  @Test
  void anUnusableStoredModelLeavesTheLastValueServing() throws Exception {
    storeCpuModel(new byte[] {42});
    startOperator();
    VirtualMachineStatus.Forecast forecast = awaitForecast();
    assertThat(forecast.predictor).isEqualTo("last value");
    assertThat(forecast.cpuPercent).hasSize(1);
  }

  private void startOperator() {
    if (api.client().resources(NodePool.class).withName("forecast-pool").get() == null) {
      createPoolAndVm();
    }
    operator =
        NovaCronOperator.start(
            api.client(),
            FastOperatorConfig.with(
                postgres,
                Map.of(
                    "NOVACRON_FORECAST_HORIZON",
                    HORIZON.toSeconds() + "s",
                    "NOVACRON_FORECAST_INTERVAL",
                    "1s")));
  }

  /** Creates the pool and its VM "busy"; returns the VM's UID. */
  private String createPoolAndVm() {
    KubernetesClient client = api.client();
    client.resource(TestVms.pool("forecast-pool", "h", "test:///default")).create();
    return client.resource(TestVms.vm(NS, "busy", "forecast-pool")).create().getMetadata().getUid();
  }

  private VirtualMachineStatus.Forecast awaitForecast() {
    return await().atMost(Duration.ofSeconds(60)).until(this::currentForecast, f -> f != null);
  }

  private VirtualMachineStatus.Forecast currentForecast() {
    VirtualMachine vm =
        api.client().resources(VirtualMachine.class).inNamespace(NS).withName("busy").get();
    return vm.getStatus() == null ? null : vm.getStatus().forecast;
  }

  /** What the stored model predicts does not matter here, that it loads and runs does. */
  private static byte[] trainedParameters() {
    DjlSetup.configure(Path.of("target/djl"));
    return RandomModels.weights(new Random(1), 512, 64);
  }

  /** Stores a CPU model whose validation says it beats the best baseline (1.5 vs 2.5 points). */
  private long storeCpuModel(byte[] parameters) throws Exception {
    try (Database db = Database.open(postgres.settings());
        Connection c = db.dataSource().getConnection()) {
      return storeCpuModel(
          c, parameters, new TrainedModel.Score(1.5, 0.95, -2.0, 3.0), "EWMA 10 min");
    }
  }

  /** Stores a CPU model with that validation score beside the baseline's 2.5 points. */
  private static long storeCpuModel(
      Connection c, byte[] parameters, TrainedModel.Score score, String baseline) throws Exception {
    return ForecastModels.save(
            c,
            new TrainedModel(
                0,
                Resource.CPU,
                HORIZON,
                Instant.now(),
                10_000,
                2_000,
                score,
                baseline,
                new TrainedModel.Score(2.5, 0.92),
                1,
                parameters))
        .version();
  }
}
