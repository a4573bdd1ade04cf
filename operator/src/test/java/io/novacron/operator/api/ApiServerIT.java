package io.novacron.operator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.novacron.operator.history.MetricHistory;
import io.novacron.operator.history.Retention;
import io.novacron.operator.metrics.HostSample;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import io.novacron.operator.metrics.VmSample;
import io.novacron.operator.store.LazyDatabase;
import io.novacron.operator.store.MetricStoreHealth;
import io.novacron.operator.store.PartitionMaintainer;
import io.novacron.operator.store.RollupRetention;
import io.novacron.operator.store.SampleWriter;
import io.novacron.operator.testing.PostgresVersion;
import io.novacron.operator.testing.RestartablePostgres;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The HTTP API over the wire (JDK HTTP client, real JSON) on a real PostgreSQL filled through the
 * real writer: history at each resolution, the summary, gzip, ETag, the cache, bad input, health,
 * and a database outage; on the embedded default PostgreSQL and on the oldest one supported.
 */
@TestMethodOrder(OrderAnnotation.class)
@ParameterizedClass
@EnumSource(PostgresVersion.class)
class ApiServerIT {
  private static final Instant BASE =
      Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
  private static final int SAMPLES_PER_VM = 720; // two hours every 10 s
  private static final RunningVm WEB =
      vm("0000000a-0000-0000-0000-000000000001", "team-a", "web", "p1");
  private static final RunningVm BATCH =
      vm("0000000a-0000-0000-0000-000000000002", "team-a", "batch", "p1");
  private static final RunningVm DB =
      vm("0000000b-0000-0000-0000-000000000003", "team-b", "db", "p2");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static RestartablePostgres postgres;
  private static LazyDatabase database;
  private static SampleWriter writer;
  private static ApiServer server;
  private static String base;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeParameterizedClassInvocation
  static void start(PostgresVersion version) throws Exception {
    postgres = RestartablePostgres.startClean(Path.of("target/api-it"), version);
    database = new LazyDatabase(postgres.settings());
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    writer =
        new SampleWriter(
                database,
                new PartitionMaintainer(7, 3),
                new RollupRetention(Duration.ofDays(30), Duration.ofDays(365)),
                100_000,
                1000,
                2,
                Duration.ZERO,
                Clock.systemUTC(),
                meters)
            .start();
    for (int i = 0; i < SAMPLES_PER_VM; i++) {
      Instant t = BASE.plusSeconds(10L * i);
      writer.accept(WEB, sample(WEB, t, i % 60, (i % 7 + 1) << 20));
      writer.accept(BATCH, sample(BATCH, t, 80, 64L << 20));
      writer.accept(DB, sample(DB, t, 20, 32L << 20));
      writer.acceptHost(new HostSample("p1", "h1", t, 50.0, (1000L - i) << 20, 4096L << 20));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> writer.written() == 4L * SAMPLES_PER_VM);
    Instant dataEnd = BASE.plusSeconds(10L * SAMPLES_PER_VM);
    await().atMost(Duration.ofSeconds(60)).until(() -> !writer.rolledUpThrough().isBefore(dataEnd));
    server =
        new ApiServer(
            new MetricHistory(
                database,
                new Retention(Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(365))),
            new MetricStoreHealth(writer, database, 100_000),
            meters,
            Duration.ofSeconds(10),
            Clock.systemUTC());
    base = "http://127.0.0.1:" + server.start("127.0.0.1", 0);
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (writer != null) {
      writer.close(Duration.ZERO);
    }
    if (database != null) {
      database.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Parameter private PostgresVersion version;

  @Test
  @Order(0)
  void theServerRunsThePostgresVersionUnderTest() throws Exception {
    try (Connection c = database.connect()) {
      assertThat(PostgresVersion.majorRunning(c)).isEqualTo(version.major());
    }
  }

  @Test
  @Order(1)
  void vmHistoryComesFromRawRowsForShortStepsAndFromRollupsForLongOnes() throws Exception {
    JsonNode raw = getJson(vmHistory("team-a", "web", BASE, BASE.plusSeconds(600), "30s"));
    assertThat(raw.get("resolution").asText()).isEqualTo("raw");
    assertThat(raw.get("uid").asText()).isEqualTo(WEB.uid());
    assertThat(raw.get("points")).hasSize(20);
    JsonNode first = raw.get("points").get(0);
    assertThat(first.get("samples").asInt()).isEqualTo(3);
    assertThat(first.get("cpuPercentAvg").asDouble()).isCloseTo(1.0, within(1e-6)); // 0,1,2
    assertThat(first.get("t").asText()).isEqualTo(BASE.toString());
    // resident memory is 3 x memory used, (i % 7 + 1) MiB: 3, 6 and 9 MiB
    assertThat(first.get("memoryRssBytesAvg").asDouble()).isEqualTo(6.0 * (1 << 20));
    assertThat(first.get("memoryRssBytesMax").asLong()).isEqualTo(9L << 20);

    JsonNode minute = getJson(vmHistory("team-a", "web", BASE, BASE.plusSeconds(600), "60s"));
    assertThat(minute.get("resolution").asText()).isEqualTo("1m");
    assertThat(minute.get("points")).hasSize(10);
    for (int k = 0; k < 10; k++) {
      JsonNode p = minute.get("points").get(k);
      // minute k holds samples 6k..6k+5, whose CPU is (6k..6k+5) % 60
      assertThat(p.get("samples").asInt()).isEqualTo(6);
      assertThat(p.get("cpuPercentAvg").asDouble()).isCloseTo((6 * k) % 60 + 2.5, within(1e-6));
      assertThat(p.get("cpuPercentMax").asDouble()).isCloseTo((6 * k) % 60 + 5, within(1e-6));
    }
    // minute 0: memory used 1..6 MiB
    assertThat(minute.get("points").get(0).get("memoryRssBytesAvg").asDouble())
        .isEqualTo(3 * 3.5 * (1 << 20));

    JsonNode hour = getJson(vmHistory("team-a", "web", BASE, BASE.plus(Duration.ofHours(2)), "1h"));
    assertThat(hour.get("resolution").asText()).isEqualTo("1h");
    assertThat(hour.get("points")).hasSize(2);
    assertThat(hour.get("points").get(0).get("samples").asInt()).isEqualTo(360);
    assertThat(hour.get("points").get(0).get("cpuPercentAvg").asDouble())
        .isCloseTo(29.5, within(1e-6));
    assertThat(hour.get("points").get(0).get("memoryUsedBytesMax").asLong()).isEqualTo(7L << 20);
    assertThat(hour.get("points").get(0).get("memoryRssBytesMax").asLong()).isEqualTo(21L << 20);
  }

  @Test
  @Order(2)
  void hostHistoryIsServed() throws Exception {
    JsonNode host =
        getJson(
            base
                + "/api/v1/nodepools/p1/hosts/h1/history?from="
                + BASE
                + "&to="
                + BASE.plusSeconds(3600)
                + "&step=10m");
    assertThat(host.get("points")).hasSize(6);
    JsonNode first = host.get("points").get(0);
    assertThat(first.get("samples").asInt()).isEqualTo(60);
    assertThat(first.get("cpuPercentAvg").asDouble()).isCloseTo(50.0, within(1e-6));
    assertThat(first.get("memoryFreeBytesMin").asLong()).isEqualTo((1000L - 59) << 20);
    assertThat(first.get("memoryTotalBytes").asLong()).isEqualTo(4096L << 20);
  }

  @Test
  @Order(3)
  void summaryAveragesCpuTakesMaxMemoryAndRanksTheBusiest() throws Exception {
    for (String window : List.of("3h", "24h")) {
      JsonNode s = getJson(base + "/api/v1/summary?window=" + window).get("summary");
      assertThat(s.get("resolution").asText()).isEqualTo(window.equals("3h") ? "1m" : "1h");
      assertThat(s.get("vmCount").asInt()).isEqualTo(3);
      assertThat(s.get("avgCpuPercent").asDouble()).isCloseTo((29.5 + 80 + 20) / 3, within(1e-6));
      assertThat(s.get("maxMemoryUsedBytes").asLong()).isEqualTo(64L << 20);
      JsonNode top = s.get("topByCpu");
      assertThat(top).hasSize(3);
      assertThat(top.get(0).get("name").asText()).isEqualTo("batch");
      assertThat(top.get(0).get("namespace").asText()).isEqualTo("team-a");
      assertThat(top.get(0).get("pool").asText()).isEqualTo("p1");
      assertThat(top.get(1).get("name").asText()).isEqualTo("web");
      assertThat(top.get(2).get("name").asText()).isEqualTo("db");
    }
    // the 24 h answer above came from the per-VM window aggregates kept as minutes close (3 h is
    // not a standard window and was aggregated from the rollups): both agree
    try (Connection c = database.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*), sum(samples) FROM vm_window_summary WHERE window_name = '24h'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(3);
      assertThat(rs.getLong(2)).isEqualTo(3L * SAMPLES_PER_VM);
    }
    JsonNode teamB = getJson(base + "/api/v1/summary?window=3h&namespace=team-b").get("summary");
    assertThat(teamB.get("vmCount").asInt()).isEqualTo(1);
    assertThat(teamB.get("avgCpuPercent").asDouble()).isCloseTo(20, within(1e-6));
    JsonNode p1 = getJson(base + "/api/v1/summary?window=3h&pool=p1&top=1").get("summary");
    assertThat(p1.get("vmCount").asInt()).isEqualTo(2);
    assertThat(p1.get("topByCpu")).hasSize(1);
    JsonNode nobody = getJson(base + "/api/v1/summary?window=3h&pool=none").get("summary");
    assertThat(nobody.get("vmCount").asInt()).isZero();
    assertThat(nobody.get("topByCpu")).isEmpty();
  }

  @Test
  @Order(4)
  void responsesAreGzippedCarryAnEtagAndRepeatsHitTheCache() throws Exception {
    String url = vmHistory("team-a", "web", BASE, BASE.plusSeconds(3600), "60s");
    HttpResponse<byte[]> zipped =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Accept-Encoding", "gzip")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(zipped.statusCode()).isEqualTo(200);
    assertThat(zipped.headers().firstValue("content-encoding")).hasValue("gzip");
    byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes();
    assertThat(JSON.readTree(unzipped).get("points")).hasSize(60);
    assertThat(unzipped.length).isGreaterThan(zipped.body().length);

    String etag = zipped.headers().firstValue("etag").orElseThrow();
    assertThat(zipped.headers().firstValue("cache-control")).hasValue("max-age=300");
    HttpResponse<String> notModified =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("If-None-Match", etag)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();

    String metrics = get(base + "/metrics").body();
    assertThat(metricValue(metrics, "cache_gets_total{cache=\"api\",result=\"hit\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(metricValue(metrics, "novacron_samples_written_total"))
        .isEqualTo(4.0 * SAMPLES_PER_VM);
    assertThat(metrics).contains("novacron_api_query_seconds_count{endpoint=\"vm_history\"}");
    assertThat(metrics).contains("novacron_samples_write_seconds_count");
    assertThat(metrics).contains("novacron_samples_queue_depth");
  }

  @Test
  @Order(5)
  void badInputGetsAProblemBodyAndNever500() throws Exception {
    String web = base + "/api/v1/namespaces/team-a/virtualmachines/web/history";
    assertProblem(base + "/api/v1/namespaces/team-a/virtualmachines/ghost/history", 404, "ghost");
    assertProblem(base + "/api/v1/nodepools/p1/hosts/ghost/history", 404, "ghost");
    assertProblem(web + "?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", 400, "before");
    assertProblem(web + "?step=0", 400, "step");
    assertProblem(web + "?step=-5s", 400, "step");
    assertProblem(web + "?step=abc", 400, "step");
    assertProblem(web + "?from=yesterday", 400, "from");
    assertProblem(web + "?from=99999999999999999999", 400, "from");
    assertProblem(web + "?from=1000000000&to=1900000000", 400, "400 days");
    assertProblem(web + "?from=0&to=3000000&step=1s", 400, "points");
    assertProblem(web + "?step=99999999999999999999d", 400, "step");
    assertProblem(web + "?colour=blue", 400, "colour");
    // percent-encoding that is not, which Java's clients refuse to send
    assertRawProblem("/api/v1/namespaces/team-a/virtualmachines/web/history?step=%ZZ");
    assertRawProblem("/api/v1/summary?window=1h&%");
    assertProblem(web + "?step=1m&step=2m", 400, "2 times");
    assertProblem(base + "/api/v1/summary?top=1000", 400, "top");
    assertProblem(base + "/api/v1/summary?top=many", 400, "top");
    assertProblem(base + "/api/v1/summary?window=0s", 400, "window");
    assertProblem(base + "/api/v1/summary?window=400d", 400, "window");
    assertProblem(base + "/api/v1/summary?namespace=", 400, "namespace");
    assertProblem(base + "/api/v1/nope", 404, "no such endpoint");
    // names no resource can have are refused before any query; a NUL byte used to reach
    // PostgreSQL, whose encoding error came back as a 503 "database unavailable"
    assertProblem(
        base + "/api/v1/namespaces/x'%3B%20DROP%20TABLE%20vm_samples--/virtualmachines/y/history",
        400,
        "not a Kubernetes namespace name");
    assertProblem(base + "/api/v1/namespaces/team%00a/virtualmachines/web/history", 400, "team");
    assertProblem(
        base + "/api/v1/namespaces/team-a/virtualmachines/Web/history",
        400,
        "VirtualMachine 'Web'");
    assertProblem(base + "/api/v1/nodepools/p1/hosts/h%001/history", 400, "host");
    assertProblem(base + "/api/v1/nodepools/p_1/hosts/h1/history", 400, "pool 'p_1'");
    assertProblem(base + "/api/v1/summary?namespace=team%00a", 400, "namespace");
    assertProblem(base + "/api/v1/summary?pool=p%001", 400, "pool");
    assertProblem(
        base + "/api/v1/namespaces/team-a/virtualmachines/web.v2/history", 404, "team-a/web.v2");
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create(web))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    // the bad requests above changed nothing: the data is all still there
    assertThat(
            getJson(vmHistory("team-a", "web", BASE, BASE.plusSeconds(600), "60s")).get("points"))
        .hasSize(10);
  }

  @Test
  @Order(6)
  void healthAndReadinessFollowTheDatabaseThroughAnOutage() throws Exception {
    assertThat(get(base + "/readyz").statusCode()).isEqualTo(200);
    assertThat(getJson(base + "/healthz").get("status").asText()).isEqualTo("ok");

    postgres.stop();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "/readyz").statusCode() == 503);
      assertThat(get(base + "/readyz").headers().firstValue("content-type"))
          .hasValue("application/problem+json");
      // an uncached query: the database is down, which is a 503, not the client's fault
      assertProblem(vmHistory("team-b", "db", BASE, BASE.plusSeconds(120), "10s"), 503, "database");
      writer.accept(DB, sample(DB, Instant.now().truncatedTo(ChronoUnit.SECONDS), 20, 32L << 20));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> getJson(base + "/healthz").get("status").asText().equals("degraded"));
      JsonNode writable = getJson(base + "/healthz").get("conditions").get(0);
      assertThat(writable.get("type").asText()).isEqualTo("MetricHistoryWritable");
      assertThat(writable.get("healthy").asBoolean()).isFalse();
      assertThat(writable.get("message").asText()).contains("held in memory");
    } finally {
      postgres.start();
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> get(base + "/readyz").statusCode() == 200);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> getJson(base + "/healthz").get("status").asText().equals("ok"));
    assertThat(writer.written()).isEqualTo(4L * SAMPLES_PER_VM + 1);
  }

  @Test
  @Order(7)
  void aQueryFailingForAnotherReasonThanAnOutageIsA500NotBlamedOnTheDatabase() throws Exception {
    try (Connection c = database.connect();
        Statement st = c.createStatement()) {
      st.execute("ALTER TABLE vm_inventory RENAME TO vm_inventory_hidden");
    }
    try {
      // a range no earlier test asked for, so the answer cannot come from the cache
      HttpResponse<String> r = get(vmHistory("team-b", "db", BASE, BASE.plusSeconds(130), "10s"));
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(JSON.readTree(r.body()).get("detail").asText()).isEqualTo("internal error");
      assertThat(get(base + "/readyz").statusCode()).isEqualTo(200);
    } finally {
      try (Connection c = database.connect();
          Statement st = c.createStatement()) {
        st.execute("ALTER TABLE vm_inventory_hidden RENAME TO vm_inventory");
      }
    }
    assertThat(getJson(vmHistory("team-b", "db", BASE, BASE.plusSeconds(130), "10s")).get("uid"))
        .isNotNull();
  }

  private static void assertProblem(String url, int status, String detailContains)
      throws Exception {
    HttpResponse<String> r = get(url);
    assertThat(r.statusCode()).as(url).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    JsonNode problem = JSON.readTree(r.body());
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("detail").asText()).as(url).contains(detailContains);
  }

  /** A GET written byte for byte on a socket, as a client that does not check its URLs sends it. */
  private static void assertRawProblem(String pathAndQuery) throws Exception {
    URI server = URI.create(base);
    try (Socket socket = new Socket(server.getHost(), server.getPort())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).as(pathAndQuery).startsWith("HTTP/1.1 400 ");
      assertThat(response.toLowerCase(Locale.ROOT))
          .contains("content-type: application/problem+json");
      JsonNode problem = JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
      assertThat(problem.get("status").asInt()).isEqualTo(400);
      assertThat(problem.get("detail").asText()).startsWith("malformed request: ");
    }
  }

  private static String vmHistory(
      String namespace, String name, Instant from, Instant to, String step) {
    return base
        + "/api/v1/namespaces/"
        + namespace
        + "/virtualmachines/"
        + name
        + "/history?from="
        + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8)
        + "&to="
        + URLEncoder.encode(to.toString(), StandardCharsets.UTF_8)
        + "&step="
        + step;
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode getJson(String url) throws Exception {
    HttpResponse<String> r = get(url);
    assertThat(r.statusCode()).as(url + " -> " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static double metricValue(String scrape, String series) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + series + " in /metrics"));
  }

  private static RunningVm vm(String uid, String namespace, String name, String pool) {
    return new RunningVm(uid, namespace, name, pool, "h1", "test:///default");
  }

  private static VmSample sample(RunningVm vm, Instant t, double cpu, long memory) {
    return new VmSample(
        vm.uid(),
        t,
        cpu,
        List.of(cpu),
        memory,
        2 * memory,
        4 * memory,
        3 * memory,
        1,
        2,
        3,
        4,
        5,
        6);
  }
}
