package io.novacron.operator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.operator.testing.PostgresVersion;
import io.novacron.operator.testing.RestartablePostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
 * The history and dashboard queries' plans on every PostgreSQL version the operator supports (the
 * embedded one and the oldest an external database may run): one partition, the right index.
 */
@ParameterizedClass
@EnumSource(PostgresVersion.class)
class QueryPlanIT {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final LocalDate TODAY = LocalDate.ofInstant(NOW, ZoneOffset.UTC);

  @Parameter private PostgresVersion version;
  private RestartablePostgres server;
  private Database db;
  private final PartitionMaintainer partitions = new PartitionMaintainer(7, 3);

  @BeforeEach
  void start() throws Exception {
    server = RestartablePostgres.startClean(Path.of("target/query-plan-it"), version);
    db = Database.open(server.settings());
  }

  @AfterEach
  void stop() throws Exception {
    if (db != null) {
      db.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theServerRunsThePostgresVersionUnderTest() throws Exception {
    try (Connection c = db.dataSource().getConnection()) {
      assertThat(PostgresVersion.majorRunning(c)).isEqualTo(version.major());
    }
  }

  @Test
  void oneVmsHistoryIsReadFromOnePartitionThroughThePrimaryKey() throws Exception {
    try (Connection c = db.dataSource().getConnection()) {
      partitions.ensurePartitions(c, NOW);
      try (Statement st = c.createStatement()) {
        st.execute(
            "INSERT INTO vm_samples SELECT ('00000000-0000-0000-0000-' || lpad(v::text, 12, '0'))::uuid,"
                + " now() - (s || ' seconds')::interval, 1, '{1}', null, null, 0, 0, 0, 0, 0, 0"
                + " FROM generate_series(1, 200) v, generate_series(0, 3600, 60) s");
        st.execute("ANALYZE vm_samples");
      }
      String plan =
          plan(
              c,
              "SELECT ts, cpu_percent FROM vm_samples"
                  + " WHERE vm_uid = '00000000-0000-0000-0000-000000000007'"
                  + " AND ts >= now() - interval '30 minutes' AND ts < now()");
      assertThat(plan).contains("Index").contains("pkey");
      assertThat(plan)
          .contains(
              PartitionMaintainer.partitionName(PartitionMaintainer.VM_TABLE, TODAY)
                  .substring(0, 10));
      assertPrunedToToday(plan, "vm_samples");
    }
  }

  @Test
  void theSummaryReadsOnlyTheWindowThroughTheBucketIndex() throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement st = c.createStatement()) {
      // 500 VMs x 60 days of hourly rollups: a 24-hour window is under 2 % of the rows
      st.execute(
          "INSERT INTO vm_rollup_1h SELECT ('00000000-0000-0000-0000-' || lpad(v::text, 12, '0'))::uuid,"
              + " date_trunc('hour', now()) - (h || ' hours')::interval, 360, now(),"
              + " 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0"
              + " FROM generate_series(1, 500) v, generate_series(0, 24 * 60) h");
      st.execute("VACUUM ANALYZE vm_rollup_1h");
      String plan =
          plan(
              c,
              "SELECT r.vm_uid, sum(r.cpu_sum) / sum(r.samples), max(r.cpu_max),"
                  + " max(r.mem_max) FROM vm_rollup_1h r WHERE r.bucket >= now() - interval '24"
                  + " hours' AND r.bucket < now() GROUP BY r.vm_uid");
      assertThat(plan)
          .as(plan)
          .contains("Index Scan on vm_rollup_1h_bucket", "Index Cond: ((bucket >=")
          .doesNotContain("Seq Scan");
    }
  }

  @Test
  void oneHostsHistoryIsReadFromOnePartitionThroughThePrimaryKey() throws Exception {
    try (Connection c = db.dataSource().getConnection()) {
      partitions.ensurePartitions(c, NOW);
      try (Statement st = c.createStatement()) {
        st.execute(
            "INSERT INTO host_samples SELECT 'pool', 'host-' || h, now() - (s || ' seconds')::interval,"
                + " 10, 1, 2 FROM generate_series(1, 50) h, generate_series(0, 3600, 10) s");
        st.execute("ANALYZE host_samples");
      }
      String plan =
          plan(
              c,
              "SELECT ts, cpu_percent FROM host_samples WHERE pool = 'pool'"
                  + " AND host = 'host-7' AND ts >= now() - interval '30 minutes'"
                  + " AND ts < now()");
      assertThat(plan).as(plan).contains("pkey");
      assertPrunedToToday(plan, "host_samples");
    }
  }

  /** Partition pruning leaves today's partition only (yesterday's too, near midnight). */
  private static void assertPrunedToToday(String plan, String table) {
    assertThat(plan.lines().filter(l -> l.contains("on " + table + "_p")).count())
        .as(
            "partition pruning leaves today's partition only (yesterday's too near midnight)\n"
                + plan)
        .isBetween(1L, 2L);
  }

  /** PostgreSQL's plan for {@code query}, one line per plan node. */
  private static String plan(Connection c, String query) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("EXPLAIN " + query)) {
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
    }
    return String.join("\n", lines);
  }
}
