package io.novacron.bench;

import io.novacron.operator.metrics.VmSample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Ingestion into the partitioned store through the real writer (bounded queue, binary COPY, 1 m and
 * 1 h rollups closed behind the samples), timed until the rollups are complete, beside a naive
 * baseline measured in the same run on the same server: one INSERT statement per row, autocommit,
 * no rollups. Args: [vms=10000] [samples per VM=200] [baseline rows=20000] [writer threads=2].
 */
public final class IngestionBenchmark {
  private static final int WARMUP_INTERVALS = 10;

  public static void main(String[] args) throws Exception {
    int vms = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int perVm = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int baselineRows = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    int writers = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    Path repo = Path.of("").toAbsolutePath();
    TraceReplay replay = TraceReplay.load(TraceReplay.defaultFiles(repo));
    Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minusSeconds(10L * perVm + 3600);

    List<String> uids = new ArrayList<>();
    for (int v = 0; v < vms; v++) {
      // hashed, so they spread over the key space like the random UIDs Kubernetes assigns
      uids.add(UUID.nameUUIDFromBytes(("vm-" + v).getBytes(StandardCharsets.UTF_8)).toString());
    }
    List<VmSample> samples = new ArrayList<>(vms * perVm);
    for (int step = 0; step < perVm; step++) {
      Instant at = start.plusSeconds(10L * step);
      for (int v = 0; v < vms; v++) {
        samples.add(replay.sample(v, uids.get(v), step, at));
      }
    }

    try (BenchDatabase db =
        new BenchDatabase(
            repo.resolve("bench/target/ingestion-db"), samples.size(), writers, start)) {
      System.out.println(db.settings());
      System.out.printf(
          "Machine: %d cores, Java %s%n",
          Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

      // warm-up, not counted: ten intervals of every VM, so that the JIT has compiled the writer's
      // paths (with one interval it was still compiling them, a core's worth, for the first seconds
      // of the timed run), as in an operator that has been running for a while
      int warmupSamples = WARMUP_INTERVALS * vms;
      db.writeAll(samples.subList(0, warmupSamples));
      List<VmSample> measured = samples.subList(warmupSamples, samples.size());
      Path dataDirectory = Path.of(db.scalar("SHOW data_directory"));
      CpuTime before = CpuTime.now(dataDirectory);
      double seconds = db.writeAll(measured);
      CpuTime used = CpuTime.now(dataDirectory).since(before);
      double writerRate = measured.size() / seconds;

      List<VmSample> baseline = new ArrayList<>(baselineRows);
      Instant later = start.plusSeconds(10L * perVm);
      for (int i = 0; i < baselineRows; i++) {
        baseline.add(
            replay.sample(
                i % vms, uids.get(i % vms), perVm + i / vms, later.plusSeconds(10L * (i / vms))));
      }
      double baselineSeconds = naiveInserts(db, baseline);
      double baselineRate = baseline.size() / baselineSeconds;

      long stored = Long.parseLong(db.scalar("SELECT count(*) FROM vm_samples"));
      System.out.printf(
          "%nIngestion, %d VMs x %d samples (%,d measured):%n", vms, perVm, measured.size());
      System.out.printf(
          "  writer (COPY + rollups)      %,12.0f samples/s   (%.1f s, %d writer threads)%n",
          writerRate, seconds, writers);
      System.out.printf(
          "  baseline (INSERT per row)    %,12.0f samples/s   (%,d rows, %.1f s)%n",
          baselineRate, baseline.size(), baselineSeconds);
      System.out.printf("  ratio                        %12.1fx%n", writerRate / baselineRate);
      double millions = measured.size() / 1e6;
      System.out.printf(
          "  CPU per million samples      JVM %.2f s, PostgreSQL %.2f s (%.0f %% of %d cores"
              + " busy while timed)%n",
          used.jvmSeconds() / millions,
          used.serverSeconds() / millions,
          100
              * (used.jvmSeconds() + used.serverSeconds())
              / (seconds * Runtime.getRuntime().availableProcessors()),
          Runtime.getRuntime().availableProcessors());
      System.out.printf(
          "  rows stored %,d (expected %,d); 1m rollup rows %s; 1h rollup rows %s%n",
          stored,
          samples.size() + baseline.size(),
          db.scalar("SELECT count(*) FROM vm_rollup_1m"),
          db.scalar("SELECT count(*) FROM vm_rollup_1h"));
      System.out.printf(
          "  hour-row updates heap-only (HOT): %s%n",
          db.scalar(
              "SELECT n_tup_hot_upd || ' of ' || n_tup_upd FROM pg_stat_user_tables"
                  + " WHERE relname = 'vm_rollup_1h'"));
    }
  }

  private static double naiveInserts(BenchDatabase db, List<VmSample> rows) throws Exception {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO vm_samples VALUES (?, ?, ?, ?::real[], ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      c.setAutoCommit(true);
      long started = System.nanoTime();
      for (VmSample s : rows) {
        ps.setObject(1, UUID.fromString(s.vmUid()));
        ps.setObject(2, OffsetDateTime.ofInstant(s.at(), ZoneOffset.UTC));
        ps.setDouble(3, s.cpuPercent());
        ps.setString(4, "{" + s.cpuPercent() + "}");
        ps.setLong(5, s.memoryUsedBytes());
        ps.setLong(6, s.memoryAvailableBytes());
        ps.setDouble(7, s.diskReadBytesPerSecond());
        ps.setDouble(8, s.diskWriteBytesPerSecond());
        ps.setDouble(9, s.diskReadOpsPerSecond());
        ps.setDouble(10, s.diskWriteOpsPerSecond());
        ps.setDouble(11, s.networkRxBytesPerSecond());
        ps.setDouble(12, s.networkTxBytesPerSecond());
        ps.setLong(13, s.memoryRssBytes());
        ps.executeUpdate();
      }
      return (System.nanoTime() - started) / 1e9;
    }
  }
}
