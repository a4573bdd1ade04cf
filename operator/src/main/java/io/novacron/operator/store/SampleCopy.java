package io.novacron.operator.store;

import de.bytefish.pgbulkinsert.PgBulkInsert;
import de.bytefish.pgbulkinsert.mapping.AbstractMapping;
import io.novacron.operator.metrics.HostSample;
import io.novacron.operator.metrics.VmSample;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * Binary COPY of samples into a table shaped like vm_samples or host_samples (the partitioned
 * tables or their staging copies). Binary rather than CSV: the server then skips parsing a dozen
 * numbers per row from text, which was most of its COPY time.
 */
final class SampleCopy {
  private final PgBulkInsert<VmSample> vms;
  private final PgBulkInsert<HostSample> hosts;

  SampleCopy(String vmTable, String hostTable) {
    this.vms = new PgBulkInsert<>(new VmRows(vmTable));
    this.hosts = new PgBulkInsert<>(new HostRows(hostTable));
  }

  void copy(Connection c, List<VmSample> vmSamples, List<HostSample> hostSamples)
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

  private static final class VmRows extends AbstractMapping<VmSample> {
    VmRows(String table) {
      super("", table);
      mapUUID("vm_uid", s -> UUID.fromString(s.vmUid()));
      mapTimeStampTz("ts", s -> s.at().atZone(ZoneOffset.UTC));
      mapFloatPrimitive("cpu_percent", s -> (float) s.cpuPercent());
      mapFloatArray("vcpu_percent", VmSample::vcpuPercent);
      mapLong("memory_used_bytes", VmSample::memoryUsedBytes);
      mapLong("memory_available_bytes", VmSample::memoryAvailableBytes);
      mapFloatPrimitive("disk_read_bytes_per_second", s -> (float) s.diskReadBytesPerSecond());
      mapFloatPrimitive("disk_write_bytes_per_second", s -> (float) s.diskWriteBytesPerSecond());
      mapFloatPrimitive("disk_read_ops_per_second", s -> (float) s.diskReadOpsPerSecond());
      mapFloatPrimitive("disk_write_ops_per_second", s -> (float) s.diskWriteOpsPerSecond());
      mapFloatPrimitive("network_rx_bytes_per_second", s -> (float) s.networkRxBytesPerSecond());
      mapFloatPrimitive("network_tx_bytes_per_second", s -> (float) s.networkTxBytesPerSecond());
    }
  }

  private static final class HostRows extends AbstractMapping<HostSample> {
    HostRows(String table) {
      super("", table);
      mapText("pool", HostSample::pool);
      mapText("host", HostSample::host);
      mapTimeStampTz("ts", s -> s.at().atZone(ZoneOffset.UTC));
      mapFloat("cpu_percent", HostSample::cpuPercent);
      mapLongPrimitive("memory_free_bytes", HostSample::memoryFreeBytes);
      mapLongPrimitive("memory_total_bytes", HostSample::memoryTotalBytes);
    }
  }
}
