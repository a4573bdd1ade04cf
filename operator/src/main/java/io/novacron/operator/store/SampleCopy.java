package io.novacron.operator.store;

import de.bytefish.pgbulkinsert.PgBulkInsert;
import de.bytefish.pgbulkinsert.mapping.AbstractMapping;
import io.novacron.operator.metrics.HostSample;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Binary COPY of samples into a table shaped like vm_samples or host_samples (the partitioned
 * tables or their staging copies). Binary rather than CSV: the server then skips parsing a dozen
 * numbers per row from text, which was most of its COPY time.
 */
final class SampleCopy {
  private final PgBulkInsert<KeyOrder.Row> vms;
  private final PgBulkInsert<HostSample> hosts;

  SampleCopy(String vmTable, String hostTable) {
    this.vms = new PgBulkInsert<>(new VmRows(vmTable));
    this.hosts = new PgBulkInsert<>(new HostRows(hostTable));
  }

  void copy(Connection c, List<KeyOrder.Row> vmSamples, List<HostSample> hostSamples)
      throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    BulkErrors.rethrowingServerError(
        () -> {
          if (!vmSamples.isEmpty()) {
            vms.saveAll(pg, vmSamples);
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
