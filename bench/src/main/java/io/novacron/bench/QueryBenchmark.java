package io.novacron.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.novacron.operator.api.ApiServer;
import io.novacron.operator.api.HealthSource;
import io.novacron.operator.history.MetricHistory;
import io.novacron.operator.history.Retention;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import io.novacron.operator.metrics.VmSample;
import io.novacron.operator.store.WindowSummaries;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The dashboard summary for 10,000 VMs over the last hour and 24 hours (history replayed from the
 * traces at their 5-minute step through the real writer), uncached from rollups beside the same
 * aggregate over raw rows; then the HTTP API under wrk (a second process) on loopback: cached
 * summary and history, beside {@code /healthz} as the server's floor. Args: [trace CSV files...].
 */
public final class QueryBenchmark {
  private static final int VMS = 10_000;
  private static final int STEPS = 288; // 24 h at 5 minutes
  private static final int CONCURRENCY = 32;
  private static final Duration LOAD_PHASE = Duration.ofSeconds(10);
  private static final String PERCENTILES = "bench/wrk-percentiles.lua";

  public static void main(String[] args) throws Exception {
    Path repo = Path.of("").toAbsolutePath();
    List<Path> files =
        args.length > 0
            ? List.of(args).stream().map(Path::of).toList()
            : TraceReplay.defaultFiles(repo);
    TraceReplay replay = TraceReplay.load(files);
    Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    Instant start = end.minus(Duration.ofMinutes(5L * STEPS));

    try (BenchDatabase db =
        new BenchDatabase(repo.resolve("bench/target/query-db"), VMS * STEPS, 2, start)) {
      System.out.println(db.settings());
      System.out.printf(
          "Machine: %d cores, Java %s; traces: %d files%n",
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"),
          files.size());
      List<RunningVm> vms = new ArrayList<>();
      for (int v = 0; v < VMS; v++) {
        vms.add(
            new RunningVm(
                new UUID(0xd45b, v).toString(),
                "bench",
                "vm-" + v,
                "pool-" + v % 10,
                "host-" + v % 50,
                "none"));
      }
      db.clock.set(end.plusSeconds(60));
      long loadStarted = System.nanoTime();
      for (int step = 0; step < STEPS; step++) {
        Instant at = start.plus(Duration.ofMinutes(5L * step));
        for (int v = 0; v < VMS; v++) {
          VmSample s = replay.sample(v, vms.get(v).uid(), step, at);
          db.writer.accept(vms.get(v), s);
        }
      }
      while (db.writer.written() < (long) VMS * STEPS
          || db.writer.rolledUpThrough().isBefore(end)) {
        Thread.sleep(20);
      }
      System.out.printf(
          "Loaded %,d samples in %.1f s; 1m rollup rows %s, 1h rollup rows %s%n",
          (long) VMS * STEPS,
          (System.nanoTime() - loadStarted) / 1e9,
          db.scalar("SELECT count(*) FROM vm_rollup_1m"),
          db.scalar("SELECT count(*) FROM vm_rollup_1h"));
      db.execute("VACUUM ANALYZE");

      MetricHistory history =
          new MetricHistory(
              db::connection,
              new Retention(Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(365)));
      System.out.printf(
          "%nDashboard summary, %,d VMs (top 10 by CPU, fleet avg CPU, max memory):%n", VMS);
      for (Duration window :
          List.of(Duration.ofHours(1), Duration.ofHours(24), Duration.ofHours(12))) {
        Latencies summary = new Latencies(100);
        String source = "unknown";
        for (int i = 0; i < 45; i++) {
          long t0 = System.nanoTime();
          source = history.summary(window, end, null, null, 10).resolution();
          if (i >= 5) {
            summary.record(System.nanoTime() - t0);
          }
        }
        String how =
            WindowSummaries.Window.of(window).isPresent()
                ? "per-VM window aggregates"
                : "aggregated from " + source + " rollups per request";
        System.out.printf(
            "  %3dh window, %-45s uncached: %s%n", window.toHours(), how, summary.summary());
        if (window.toHours() == 12) {
          continue;
        }
        Latencies fromRaw = new Latencies(100);
        for (int i = 0; i < 12; i++) {
          long t0 = System.nanoTime();
          rawSummary(db, end.minus(window), end);
          if (i >= 2) {
            fromRaw.record(System.nanoTime() - t0);
          }
        }
        System.out.printf(
            "  %3dh window, %-45s           %s%n",
            window.toHours(), "raw rows (baseline)", fromRaw.summary());
      }

      HealthSource noHealthChecks =
          new HealthSource() {
            @Override
            public List<HealthCondition> conditions() {
              return List.of();
            }

            @Override
            public void checkReady() {}
          };
      try (ApiServer api =
          new ApiServer(
              history,
              noHealthChecks,
              new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
              Duration.ofSeconds(10),
              Clock.systemUTC())) {
        int port = api.start("127.0.0.1", 0);
        System.out.printf(
            "%nHTTP on loopback, wrk with %d connections (2 threads, a second process), %d s per endpoint:%n",
            CONCURRENCY, LOAD_PHASE.toSeconds());
        load(port, "/api/v1/summary?window=24h", "summary 24h (cached)");
        load(port, "/api/v1/summary?window=1h", "summary 1h (cached)");
        load(
            port,
            "/api/v1/namespaces/bench/virtualmachines/vm-42/history?from="
                + start
                + "&to="
                + end
                + "&step=5m",
            "VM history 24h/5m (cached)");
        load(port, "/healthz", "healthz (baseline: no work)");
      }
    }
  }

  private static void rawSummary(BenchDatabase db, Instant from, Instant to) throws Exception {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "WITH per_vm AS (SELECT vm_uid, avg(cpu_percent) AS cpu_avg, max(cpu_percent) AS cpu_max,"
                    + " max(memory_used_bytes) AS mem_max FROM vm_samples WHERE ts >= ? AND ts < ?"
                    + " GROUP BY vm_uid) SELECT p.*, count(*) OVER (), avg(cpu_avg) OVER (),"
                    + " max(mem_max) OVER () FROM per_vm p ORDER BY cpu_avg DESC LIMIT 10")) {
      ps.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
      ps.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rs.getString(1);
        }
      }
    }
  }

  /** Load from a second process: wrk, closed loop, its percentiles printed by a Lua reporter. */
  private static void load(int port, String uri, String label) throws Exception {
    String url = "http://127.0.0.1:" + port + uri;
    Wrk.run(url, CONCURRENCY, Duration.ofSeconds(2), PERCENTILES, Map.of()); // warm-up
    System.out.println(Wrk.run(url, CONCURRENCY, LOAD_PHASE, PERCENTILES, Map.of()).line(label));
  }
}
