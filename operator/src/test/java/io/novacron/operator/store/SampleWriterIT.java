package io.novacron.operator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.novacron.operator.metrics.HostSample;
import io.novacron.operator.metrics.VmSample;
import io.novacron.operator.testing.PostgresVersion;
import io.novacron.operator.testing.RestartablePostgres;
import io.novacron.operator.testing.SettableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The writer against a real PostgreSQL that the test stops and starts, reached through the
 * external-URL configuration: the embedded default version, and the oldest one supported for an
 * external database.
 */
@ParameterizedClass
@EnumSource(PostgresVersion.class)
class SampleWriterIT {
  private static final String VM = "00000000-0000-0000-0000-0000000000aa";
  private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.HOURS);

  @Parameter private PostgresVersion version;
  private RestartablePostgres server;
  private Database db;
  private SampleWriter writer;

  @BeforeEach
  void start() throws Exception {
    server = RestartablePostgres.startClean(Path.of("target/writer-it"), version);
    db = Database.open(server.settings());
  }

  @AfterEach
  void stop() throws Exception {
    if (writer != null) {
      writer.close(Duration.ZERO);
    }
    if (db != null) {
      db.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void batchesAreWrittenAndARetriedBatchNeverDuplicatesRows() throws Exception {
    writer = writer(100_000, 1000);
    offer(0, 5000);
    await().atMost(Duration.ofSeconds(30)).until(() -> writer.written() == 5000);
    offer(0, 5000); // the same samples again, as a retry would send them
    await().atMost(Duration.ofSeconds(30)).until(() -> writer.written() == 10_000);
    assertThat(count()).isEqualTo(5000);
    assertThat(writer.dropped()).isZero();
  }

  @Test
  void everyColumnReadsBackAsSampled() throws Exception {
    writer = writer(100_000, 1000);
    Instant at = BASE.plusSeconds(7).plusMillis(250);
    writer.offer(
        new VmSample(
            VM,
            at,
            62.5,
            List.of(100.0, 25.0, 0.125),
            6L << 32,
            null,
            8L << 30,
            (7L << 30) + 12_345,
            1.5,
            2.5,
            3.5,
            4.5,
            5.5,
            6.5));
    writer.offer(new HostSample("pool-ä", "host-1", at, null, 1L << 40, 1L << 41));
    writer.offer(new HostSample("pool-ä", "host-2", at, 12.25, 0, 1));
    await().atMost(Duration.ofSeconds(30)).until(() -> writer.written() == 3);

    assertThat(
            text(
                "SELECT vm_uid || ' ' || (ts - timestamptz '"
                    + BASE
                    + "') || ' ' || cpu_percent || ' ' || vcpu_percent::text || ' '"
                    + " || memory_used_bytes || ' ' || coalesce(memory_available_bytes::text, 'null')"
                    + " || ' ' || disk_read_bytes_per_second || ' ' || disk_write_bytes_per_second"
                    + " || ' ' || disk_read_ops_per_second || ' ' || disk_write_ops_per_second"
                    + " || ' ' || network_rx_bytes_per_second || ' '"
                    + " || network_tx_bytes_per_second || ' ' || memory_rss_bytes FROM vm_samples"))
        .containsExactly(
            VM
                + " 00:00:07.25 62.5 {100,25,0.125} 25769803776 null 1.5 2.5 3.5 4.5 5.5 6.5"
                + " 7516205113");
    assertThat(
            text(
                "SELECT pool || ' ' || host || ' ' || (ts - timestamptz '"
                    + BASE
                    + "') || ' ' || coalesce(cpu_percent::text,"
                    + " 'null') || ' ' || memory_free_bytes || ' ' || memory_total_bytes"
                    + " FROM host_samples ORDER BY host"))
        .containsExactly(
            "pool-ä host-1 00:00:07.25 null 1099511627776 2199023255552",
            "pool-ä host-2 00:00:07.25 12.25 0 1");
  }

  @Test
  void everySampleTakenDuringAnOutageIsStoredExactlyOnce() throws Exception {
    writer = writer(100_000, 500);
    offer(0, 1000);
    await().atMost(Duration.ofSeconds(30)).until(() -> writer.written() == 1000);

    server.stop();
    offer(1000, 2000);
    await().atMost(Duration.ofSeconds(30)).until(() -> !writer.healthy());
    assertThat(writer.backlog()).isGreaterThan(0);

    server.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> writer.written() == 3000);
    assertThat(count()).isEqualTo(3000);
    assertThat(writer.dropped()).isZero();
    assertThat(writer.healthy()).isTrue();
  }

  @Test
  void beyondTheBoundTheOldestAreDroppedAndCounted() throws Exception {
    writer = writer(500, 100);
    server.stop();
    offer(0, 800);
    await().atMost(Duration.ofSeconds(30)).until(() -> !writer.healthy());

    server.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> writer.backlog() == 0 && writer.healthy());
    long stored = count();
    assertThat(writer.dropped()).isPositive();
    assertThat(stored + writer.dropped()).isEqualTo(800);
    assertThat(count("ts >= '" + BASE.plusSeconds(300) + "'"))
        .as("the newest 500 samples are all kept")
        .isEqualTo(500);
  }

  @Test
  void rollupsEqualTheSameAggregatesComputedFromRawRows() throws Exception {
    writer = writer(100_000, 37); // many small batches: minutes close while samples still arrive
    String[] vms = {VM, "00000000-0000-0000-0000-0000000000bb"};
    int n = 0;
    // newest first, so "last" must survive out-of-order arrival; then everything again (retry)
    for (int round = 0; round < 2; round++) {
      for (int i = 7199; i >= 0; i -= 7) {
        for (String vm : vms) {
          double cpu = (i * 31 + vm.hashCode() & 0xffff) % 100;
          writer.offer(
              new VmSample(
                  vm,
                  BASE.plusSeconds(i),
                  cpu,
                  List.of(cpu),
                  (long) i * 1000,
                  null,
                  1L << 30,
                  i % 7 == 0 ? null : (long) i * 4096,
                  i % 13,
                  i % 17,
                  0,
                  0,
                  i % 19,
                  i % 23));
          n++;
        }
      }
    }
    int offered = n;
    await().atMost(Duration.ofSeconds(60)).until(() -> writer.written() == offered);
    assertThat(count()).isEqualTo(offered / 2);
    // minutes close on their own connection, concurrently with the writes
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> writer.rolledUpThrough().isAfter(BASE.plusSeconds(7200)));
    for (String unit : new String[] {"minute", "hour"}) {
      String table = unit.equals("minute") ? "vm_rollup_1m" : "vm_rollup_1h";
      assertThat(mismatches(table, unit)).as(table).isZero();
      assertThat(scalar("SELECT count(*) FROM " + table)).as(table + " rows").isPositive();
    }
  }

  @Test
  void minutesClosedFromTheWritersAggregatesEqualTheAggregatesOfRawRows() throws Exception {
    // the clock follows the samples, as it does live: minutes close from what the writer stored
    SettableClock clock = new SettableClock(BASE.minusSeconds(30));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    writer = writer(100_000, 13, clock, meters);
    String[] vms = {VM, "00000000-0000-0000-0000-0000000000bb"};
    for (int minute = 0; minute < 10; minute++) {
      for (int second = 0; second < 60; second += 7) {
        for (String vm : vms) {
          VmSample s = usage(vm, BASE.plusSeconds(minute * 60L + second), minute * 7 + second);
          // one VM's balloon falls silent for a minute: its hour keeps the memory seen before
          writer.offer(vm.equals(vms[1]) && minute == 5 ? withoutMemory(s) : s);
        }
      }
      Instant next = BASE.plus(Duration.ofMinutes(minute + 1));
      clock.set(next);
      await().atMost(Duration.ofSeconds(30)).until(() -> !writer.rolledUpThrough().isBefore(next));
    }
    // hours merged as each minute closed, before the late samples below recompute them
    assertThat(mismatches("vm_rollup_1h", "hour")).as("hours merged as minutes close").isZero();
    // a late sample of a closed minute, and a closed minute sent again as a retry would
    writer.offer(usage(VM, BASE.plusSeconds(3 * 60 + 30), 99));
    for (int second = 0; second < 60; second += 7) {
      writer.offer(usage(vms[1], BASE.plusSeconds(8 * 60 + second), 8 * 7 + second));
    }
    Instant end = BASE.plus(Duration.ofMinutes(11));
    clock.set(end);
    await().atMost(Duration.ofSeconds(30)).until(() -> writer.backlog() == 0);
    await().atMost(Duration.ofSeconds(30)).until(() -> !writer.rolledUpThrough().isBefore(end));

    assertThat(count()).isEqualTo(10 * 9 * 2 + 1);
    assertThat(meters.get("novacron.rollup.minutes").tag("source", "samples").functionCounter())
        .satisfies(c -> assertThat(c.count()).as("minutes closed from aggregates").isPositive());
    for (String unit : new String[] {"minute", "hour"}) {
      String table = unit.equals("minute") ? "vm_rollup_1m" : "vm_rollup_1h";
      assertThat(mismatches(table, unit)).as(table).isZero();
    }
  }

  @Test
  void dashboardWindowsEqualTheAggregatesOfTheirRawRows() throws Exception {
    // 80 minutes across an hour boundary, ending mid-hour: the last hour then starts mid-hour
    Instant start = BASE.minus(Duration.ofMinutes(50));
    Instant end = BASE.plus(Duration.ofMinutes(30));
    SettableClock clock = new SettableClock(start);
    writer = writer(100_000, 500, clock, new SimpleMeterRegistry());
    String[] vms = {VM, "00000000-0000-0000-0000-0000000000bb"};
    int seed = 0;
    for (Instant t = start; t.isBefore(end); t = t.plusSeconds(20)) {
      for (String vm : vms) {
        writer.offer(usage(vm, t, seed++));
      }
    }
    // all stored before any minute closes: a sample written after the last closing would correct
    // its minute and hour at once, but the windows only at the next closing
    await().atMost(Duration.ofSeconds(30)).until(() -> writer.backlog() == 0);
    clock.set(end);
    await().atMost(Duration.ofSeconds(30)).until(() -> !writer.rolledUpThrough().isBefore(end));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> scalar("SELECT count(*) FROM vm_window_summary WHERE window_name = '1h'") > 0);

    assertThat(scalar("SELECT count(*) FROM vm_window_summary")).isEqualTo(4);
    assertThat(
            scalar(
                "SELECT count(*) FROM vm_window_summary w WHERE window_name = '1h'"
                    + " AND from_ts = '%s' AND to_ts = '%s'"
                        .formatted(end.minus(Duration.ofHours(1)), end)))
        .isEqualTo(2);
    // each window's aggregate against the raw rows of its range
    assertThat(
            scalar(
                "SELECT count(*) FROM vm_window_summary w, LATERAL (SELECT count(*) AS n,"
                    + " sum(cpu_percent) AS cpu_sum, max(cpu_percent) AS cpu_max,"
                    + " max(memory_used_bytes) AS mem_max FROM vm_samples s"
                    + " WHERE s.vm_uid = w.vm_uid AND s.ts >= w.from_ts AND s.ts < w.to_ts) raw"
                    + " WHERE w.samples <> raw.n"
                    + " OR abs(w.cpu_sum - raw.cpu_sum) > 1e-6 * greatest(1, raw.cpu_sum)"
                    + " OR w.cpu_max <> raw.cpu_max OR w.mem_max IS DISTINCT FROM raw.mem_max"))
        .isZero();
  }

  private static VmSample withoutMemory(VmSample s) {
    return new VmSample(
        s.vmUid(),
        s.at(),
        s.cpuPercent(),
        s.vcpuPercent(),
        null,
        null,
        s.memoryBalloonBytes(),
        null,
        s.diskReadBytesPerSecond(),
        s.diskWriteBytesPerSecond(),
        s.diskReadOpsPerSecond(),
        s.diskWriteOpsPerSecond(),
        s.networkRxBytesPerSecond(),
        s.networkTxBytesPerSecond());
  }

  private static VmSample usage(String vm, Instant at, int seed) {
    double cpu = (seed * 31 + vm.hashCode() & 0xffff) % 100 + 0.25;
    Long memory = seed % 5 == 0 ? null : seed * 1000L; // guests without a balloon report none
    return new VmSample(
        vm,
        at,
        cpu,
        List.of(cpu),
        memory,
        null,
        1L << 30,
        seed % 11 == 0 ? null : seed * 4096L,
        seed % 13,
        seed % 17,
        0,
        0,
        seed % 19,
        seed % 23);
  }

  /** Rollup rows that differ from the aggregate of the raw rows of their bucket. */
  private long mismatches(String table, String unit) throws Exception {
    StringBuilder raw =
        new StringBuilder("SELECT vm_uid, date_trunc('" + unit + "', ts) AS b, count(*) AS n");
    StringBuilder differs =
        new StringBuilder("r.vm_uid IS NULL OR raw.vm_uid IS NULL OR r.samples <> raw.n");
    for (RollupSql.Metric m : RollupSql.METRICS) {
      raw.append(
          (", sum(%2$s) AS %1$s_s, min(%2$s) AS %1$s_mi, max(%2$s) AS %1$s_ma,"
                  + " (array_agg(%2$s ORDER BY ts DESC))[1] AS %1$s_l")
              .formatted(m.prefix(), m.column()));
      differs.append(
          (" OR (r.%1$s_sum IS NULL) <> (raw.%1$s_s IS NULL)"
                  + " OR abs(r.%1$s_sum - raw.%1$s_s) > 1e-6 * greatest(1, abs(raw.%1$s_s))"
                  + " OR r.%1$s_min IS DISTINCT FROM raw.%1$s_mi"
                  + " OR r.%1$s_max IS DISTINCT FROM raw.%1$s_ma"
                  + " OR r.%1$s_last IS DISTINCT FROM raw.%1$s_l")
              .formatted(m.prefix()));
    }
    raw.append(" FROM vm_samples GROUP BY 1, 2");
    return scalar(
        "SELECT count(*) FROM ("
            + raw
            + ") raw FULL JOIN "
            + table
            + " r ON r.vm_uid = raw.vm_uid AND r.bucket = raw.b WHERE "
            + differs);
  }

  private long scalar(String sql) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private SampleWriter writer(int capacity, int batch) {
    // ahead of the samples (which reach two hours past the current hour), so that every minute
    // they fall in can close
    return writer(
        capacity,
        batch,
        Clock.offset(Clock.systemUTC(), Duration.ofHours(3)),
        new SimpleMeterRegistry());
  }

  private SampleWriter writer(int capacity, int batch, Clock clock, SimpleMeterRegistry meters) {
    return new SampleWriter(
            () -> db.dataSource().getConnection(),
            new PartitionMaintainer(7, 2),
            new RollupRetention(Duration.ofDays(30), Duration.ofDays(365)),
            capacity,
            batch,
            2,
            Duration.ZERO,
            clock,
            meters)
        .start();
  }

  private void offer(int fromSecond, int n) {
    for (int i = fromSecond; i < fromSecond + n; i++) {
      writer.offer(
          new VmSample(
              VM,
              BASE.plusSeconds(i),
              i % 100,
              List.of((double) (i % 100)),
              1L << 20,
              1L << 21,
              1L << 22,
              3L << 20,
              1,
              2,
              3,
              4,
              5,
              6));
    }
  }

  private List<String> text(String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }

  private long count() throws Exception {
    return count("true");
  }

  private long count(String where) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM vm_samples WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
