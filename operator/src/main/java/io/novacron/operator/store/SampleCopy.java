package io.novacron.operator.store;

import io.novacron.operator.metrics.HostSample;
import io.novacron.operator.metrics.VmSample;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Binary COPY of samples into a table shaped like vm_samples or host_samples (the partitioned
 * tables or their staging copies). Binary rather than CSV: the server then skips parsing a dozen
 * numbers per row from text, which was most of its COPY time.
 */
final class SampleCopy {
  private static final List<String> VM_COLUMNS =
      List.of(
          "vm_uid",
          "ts",
          "cpu_percent",
          "vcpu_percent",
          "memory_used_bytes",
          "memory_available_bytes",
          "disk_read_bytes_per_second",
          "disk_write_bytes_per_second",
          "disk_read_ops_per_second",
          "disk_write_ops_per_second",
          "network_rx_bytes_per_second",
          "network_tx_bytes_per_second",
          "memory_rss_bytes");

  private static final List<String> HOST_COLUMNS =
      List.of("pool", "host", "ts", "cpu_percent", "memory_free_bytes", "memory_total_bytes");

  private final String vmTable;
  private final String hostTable;

  SampleCopy(String vmTable, String hostTable) {
    this.vmTable = vmTable;
    this.hostTable = hostTable;
  }

  void copy(Connection c, List<KeyOrder.Row> vmSamples, List<HostSample> hostSamples)
      throws SQLException {
    if (!vmSamples.isEmpty()) {
      BinaryCopy.copyRows(c, vmTable, VM_COLUMNS, vmSamples, SampleCopy::encode);
    }
    if (!hostSamples.isEmpty()) {
      BinaryCopy.copyRows(c, hostTable, HOST_COLUMNS, hostSamples, SampleCopy::encode);
    }
  }

  private static void encode(BinaryCopy fields, KeyOrder.Row row) throws SQLException {
    VmSample s = row.sample();
    fields
        .uuid(row.vm())
        .timestamptz(s.at())
        .float4(s.cpuPercent())
        .float4Array(s.vcpuPercent())
        .int8(s.memoryUsedBytes())
        .int8(s.memoryAvailableBytes())
        .float4(s.diskReadBytesPerSecond())
        .float4(s.diskWriteBytesPerSecond())
        .float4(s.diskReadOpsPerSecond())
        .float4(s.diskWriteOpsPerSecond())
        .float4(s.networkRxBytesPerSecond())
        .float4(s.networkTxBytesPerSecond())
        .int8(s.memoryRssBytes());
  }

  private static void encode(BinaryCopy fields, HostSample s) throws SQLException {
    fields
        .text(s.pool())
        .text(s.host())
        .timestamptz(s.at())
        .float4(s.cpuPercent())
        .int8(s.memoryFreeBytes())
        .int8(s.memoryTotalBytes());
  }
}
