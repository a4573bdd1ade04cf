package io.novacron.operator.store;

import de.bytefish.pgbulkinsert.PgBulkInsert;
import de.bytefish.pgbulkinsert.mapping.AbstractMapping;
import de.bytefish.pgbulkinsert.pgsql.handlers.IValueHandler;
import io.novacron.operator.metrics.HostSample;
import io.novacron.operator.metrics.VmSample;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.postgresql.PGConnection;

/**
 * Binary COPY of samples: VM samples as runs into vm_sample_runs, or one row per sample into a
 * staging table; host samples into a table shaped like host_samples. Binary rather than CSV: the
 * server then skips parsing a dozen numbers per row from text, which was most of its COPY time.
 */
final class SampleCopy {
  private final VmCopy<?> vms;
  private final PgBulkInsert<HostSample> hosts;

  private SampleCopy(VmCopy<?> vms, String hostTable) {
    this.vms = vms;
    this.hosts = new PgBulkInsert<>(new HostRows(hostTable));
  }

  /** VM samples as runs (vm_sample_runs' layout). */
  static SampleCopy asRuns(String vmRunTable, String hostTable) {
    return new SampleCopy(
        new VmCopy<>(new PgBulkInsert<>(new RunRows(vmRunTable)), SampleRun::of), hostTable);
  }

  /** VM samples one row each (the layout of the vm_samples view, without run_start). */
  static SampleCopy asSamples(String vmTable, String hostTable) {
    return new SampleCopy(
        new VmCopy<>(new PgBulkInsert<>(new VmRows(vmTable)), rows -> rows), hostTable);
  }

  /** A bulk insert of VM rows of some shape, and how a batch's samples take that shape. */
  private record VmCopy<T>(PgBulkInsert<T> bulk, Function<List<KeyOrder.Row>, List<T>> shape) {
    void save(PGConnection pg, List<KeyOrder.Row> rows) throws SQLException {
      bulk.saveAll(pg, shape.apply(rows));
    }
  }

  void copy(Connection c, List<KeyOrder.Row> vmSamples, List<HostSample> hostSamples)
      throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    BulkErrors.rethrowingServerError(
        () -> {
          if (!vmSamples.isEmpty()) {
            vms.save(pg, vmSamples);
          }
          if (!hostSamples.isEmpty()) {
            hosts.saveAll(pg, hostSamples);
          }
        });
  }

  private static final class VmRows extends AbstractMapping<KeyOrder.Row> {
    VmRows(String table) {
      super("", table);
      map("vm_uid", CopyValues.UUID_BYTES, KeyOrder.Row::vm);
      map("ts", CopyValues.TIMESTAMPTZ, r -> r.sample().at());
      map("cpu_percent", CopyValues.FLOAT4, r -> r.sample().cpuPercent());
      map("vcpu_percent", CopyValues.FLOAT4_ARRAY, r -> r.sample().vcpuPercent());
      map("memory_used_bytes", CopyValues.INT8, r -> r.sample().memoryUsedBytes());
      map("memory_available_bytes", CopyValues.INT8, r -> r.sample().memoryAvailableBytes());
      map(
          "disk_read_bytes_per_second",
          CopyValues.FLOAT4,
          r -> r.sample().diskReadBytesPerSecond());
      map(
          "disk_write_bytes_per_second",
          CopyValues.FLOAT4,
          r -> r.sample().diskWriteBytesPerSecond());
      map("disk_read_ops_per_second", CopyValues.FLOAT4, r -> r.sample().diskReadOpsPerSecond());
      map("disk_write_ops_per_second", CopyValues.FLOAT4, r -> r.sample().diskWriteOpsPerSecond());
      map(
          "network_rx_bytes_per_second",
          CopyValues.FLOAT4,
          r -> r.sample().networkRxBytesPerSecond());
      map(
          "network_tx_bytes_per_second",
          CopyValues.FLOAT4,
          r -> r.sample().networkTxBytesPerSecond());
    }
  }

  private static final class RunRows extends AbstractMapping<SampleRun> {
    RunRows(String table) {
      super("", table);
      map("vm_uid", CopyValues.UUID_BYTES, SampleRun::vm);
      map("first_ts", CopyValues.TIMESTAMPTZ, r -> r.samples().get(0).at());
      map("ts", timestamps(VmSample::at), SampleRun::samples);
      map("cpu_percent", reals(VmSample::cpuPercent), SampleRun::samples);
      map("vcpu_percent", CopyValues.float4Matrix(VmSample::vcpuPercent), SampleRun::samples);
      map("memory_used_bytes", bigints(VmSample::memoryUsedBytes), SampleRun::samples);
      map("memory_available_bytes", bigints(VmSample::memoryAvailableBytes), SampleRun::samples);
      map(
          "disk_read_bytes_per_second",
          reals(VmSample::diskReadBytesPerSecond),
          SampleRun::samples);
      map(
          "disk_write_bytes_per_second",
          reals(VmSample::diskWriteBytesPerSecond),
          SampleRun::samples);
      map("disk_read_ops_per_second", reals(VmSample::diskReadOpsPerSecond), SampleRun::samples);
      map("disk_write_ops_per_second", reals(VmSample::diskWriteOpsPerSecond), SampleRun::samples);
      map(
          "network_rx_bytes_per_second",
          reals(VmSample::networkRxBytesPerSecond),
          SampleRun::samples);
      map(
          "network_tx_bytes_per_second",
          reals(VmSample::networkTxBytesPerSecond),
          SampleRun::samples);
    }

    private static IValueHandler<List<VmSample>> reals(ToDoubleFunction<VmSample> metric) {
      return CopyValues.arrayOf(CopyValues.FLOAT4_OID, CopyValues.float4(metric));
    }

    private static IValueHandler<List<VmSample>> bigints(Function<VmSample, Long> metric) {
      return CopyValues.arrayOf(CopyValues.INT8_OID, CopyValues.int8(metric));
    }

    private static IValueHandler<List<VmSample>> timestamps(Function<VmSample, Instant> at) {
      return CopyValues.arrayOf(CopyValues.TIMESTAMPTZ_OID, CopyValues.timestamptz(at));
    }
  }

  private static final class HostRows extends AbstractMapping<HostSample> {
    HostRows(String table) {
      super("", table);
      mapText("pool", HostSample::pool);
      mapText("host", HostSample::host);
      map("ts", CopyValues.TIMESTAMPTZ, HostSample::at);
      mapFloat("cpu_percent", HostSample::cpuPercent);
      mapLongPrimitive("memory_free_bytes", HostSample::memoryFreeBytes);
      mapLongPrimitive("memory_total_bytes", HostSample::memoryTotalBytes);
    }
  }
}
