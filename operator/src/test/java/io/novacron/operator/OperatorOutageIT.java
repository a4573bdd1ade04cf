package io.novacron.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus.Phase;
import io.novacron.operator.testing.FastOperatorConfig;
import io.novacron.operator.testing.HttpGets;
import io.novacron.operator.testing.RestartablePostgres;
import io.novacron.policy.TestVms;
import io.novacron.policy.testing.MockApi;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole operator sampling VMs (libvirt's test driver, every second) into an external PostgreSQL
 * that goes down and comes back: every sample the collector took is stored exactly once, and the
 * health endpoints tell the truth meanwhile.
 */
class OperatorOutageIT {
  private static final String NS = "outage";
  private RestartablePostgres postgres;
  private MockApi api;
  private NovaCronOperator operator;

  @BeforeEach
  void start() throws Exception {
    postgres = RestartablePostgres.startClean(Path.of("target/outage-it"));
    api = MockApi.start();
    operator = NovaCronOperator.start(api.client(), FastOperatorConfig.with(postgres, Map.of()));
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
  void everySampleTakenWhilePostgresIsDownIsStoredExactlyOnceWhenItReturns() throws Exception {
    KubernetesClient client = api.client();
    client.resource(TestVms.pool("outage-pool", "h", "test:///default")).create();
    client.resource(TestVms.vm(NS, "steady", "outage-pool")).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> client.resources(VirtualMachine.class).inNamespace(NS).withName("steady").get(),
            vm -> vm.getStatus() != null && vm.getStatus().phase == Phase.Running);
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> stored() >= 3);

    postgres.stop();
    long collectedAtStop = collected();
    await().atMost(Duration.ofSeconds(30)).until(() -> health().contains("\"degraded\""));
    assertThat(health()).contains("WritesFailing", "held in memory");
    assertThat(status("/readyz")).isEqualTo(503);
    await().atMost(Duration.ofSeconds(30)).until(() -> collected() >= collectedAtStop + 5);

    postgres.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> health().contains("\"ok\""));
    // stop sampling so the count can settle, then compare what was taken with what is stored
    // (the primary key makes a duplicate impossible, so equal counts mean none was lost)
    client.resources(VirtualMachine.class).inNamespace(NS).withName("steady").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> collected() > collectedAtStop && collected() == stored());
    assertThat(status("/readyz")).isEqualTo(200);
  }

  private String health() throws Exception {
    return get("/healthz").body();
  }

  private int status(String path) throws Exception {
    return get(path).statusCode();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpGets.get("http://127.0.0.1:" + operator.httpPort() + path);
  }

  /** VM samples the collector has taken, from /metrics. */
  private long collected() throws Exception {
    String series = "novacron_samples_collected_total{kind=\"vm\"} ";
    return get("/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(series))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(series.length())))
        .findFirst()
        .orElseThrow();
  }

  private long stored() throws Exception {
    return scalar("SELECT count(*) FROM vm_samples");
  }

  private long scalar(String sql) throws Exception {
    try (Connection c =
            DriverManager.getConnection(postgres.settings().url(), postgres.settings().user(), "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
