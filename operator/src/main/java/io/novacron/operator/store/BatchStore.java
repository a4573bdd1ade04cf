package io.novacron.operator.store;

import io.novacron.operator.metrics.HostSample;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import io.novacron.operator.metrics.VmSample;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;

/**
 * Writes one batch of samples and VM identities in the caller's transaction. The fast path COPYs
 * straight into the partitioned tables; if any row is already there (a batch retried after its
 * commit went through) the primary key refuses it, and the batch goes again through temporary
 * staging tables with ON CONFLICT DO NOTHING, so a retry never duplicates rows.
 */
final class BatchStore {
  private static final String UNIQUE_VIOLATION = "23505";

  private BatchStore() {}

  static void write(
      Connection c, List<VmSample> vms, List<HostSample> hosts, Collection<RunningVm> identities)
      throws SQLException {
    try {
      copyInto(c, "vm_samples", "host_samples", vms, hosts);
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      c.rollback();
      try (Statement st = c.createStatement()) {
        st.execute(
            "CREATE TEMP TABLE IF NOT EXISTS vm_samples_staging (LIKE vm_samples)"
                + " ON COMMIT DELETE ROWS");
        st.execute(
            "CREATE TEMP TABLE IF NOT EXISTS host_samples_staging (LIKE host_samples)"
                + " ON COMMIT DELETE ROWS");
      }
      copyInto(c, "vm_samples_staging", "host_samples_staging", vms, hosts);
      try (Statement st = c.createStatement()) {
        st.execute(
            "INSERT INTO vm_samples SELECT * FROM vm_samples_staging ON CONFLICT DO NOTHING");
        st.execute(
            "INSERT INTO host_samples SELECT * FROM host_samples_staging ON CONFLICT DO NOTHING");
      }
    }
    if (!identities.isEmpty()) {
      upsertIdentities(c, identities);
    }
  }

  private static void copyInto(
      Connection c, String vmTable, String hostTable, List<VmSample> vms, List<HostSample> hosts)
      throws SQLException {
    if (!vms.isEmpty()) {
      copy(c, vmTable, vmCsv(vms));
    }
    if (!hosts.isEmpty()) {
      copy(c, hostTable, hostCsv(hosts));
    }
  }

  private static void copy(Connection c, String table, String csv) throws SQLException {
    try {
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn("COPY " + table + " FROM STDIN WITH (FORMAT csv)", new StringReader(csv));
    } catch (IOException e) {
      throw new SQLException("COPY into " + table + " failed: " + e.getMessage(), e);
    }
  }

  private static void upsertIdentities(Connection c, Collection<RunningVm> identities)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO vm_inventory (vm_uid, namespace, name, pool, host, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, now()) ON CONFLICT (vm_uid) DO UPDATE SET"
                + " namespace = excluded.namespace, name = excluded.name, pool = excluded.pool,"
                + " host = excluded.host, updated_at = excluded.updated_at")) {
      for (RunningVm vm : identities) {
        ps.setObject(1, UUID.fromString(vm.uid()));
        ps.setString(2, vm.namespace());
        ps.setString(3, vm.name());
        ps.setString(4, vm.pool());
        ps.setString(5, vm.host());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** CSV rows in vm_samples' column order; an unquoted empty field is NULL. */
  static String vmCsv(List<VmSample> samples) {
    StringBuilder sb = new StringBuilder(samples.size() * 120);
    for (VmSample s : samples) {
      sb.append(s.vmUid())
          .append(',')
          .append(s.at())
          .append(',')
          .append(s.cpuPercent())
          .append(",\"{")
          .append(s.vcpuPercent().stream().map(String::valueOf).collect(Collectors.joining(",")))
          .append("}\",")
          .append(nullable(s.memoryUsedBytes()))
          .append(',')
          .append(nullable(s.memoryAvailableBytes()))
          .append(',')
          .append(s.diskReadBytesPerSecond())
          .append(',')
          .append(s.diskWriteBytesPerSecond())
          .append(',')
          .append(s.diskReadOpsPerSecond())
          .append(',')
          .append(s.diskWriteOpsPerSecond())
          .append(',')
          .append(s.networkRxBytesPerSecond())
          .append(',')
          .append(s.networkTxBytesPerSecond())
          .append('\n');
    }
    return sb.toString();
  }

  /** CSV rows in host_samples' column order; pool and host names are quoted. */
  static String hostCsv(List<HostSample> samples) {
    StringBuilder sb = new StringBuilder(samples.size() * 80);
    for (HostSample s : samples) {
      sb.append(quoted(s.pool()))
          .append(',')
          .append(quoted(s.host()))
          .append(',')
          .append(s.at())
          .append(',')
          .append(nullable(s.cpuPercent()))
          .append(',')
          .append(s.memoryFreeBytes())
          .append(',')
          .append(s.memoryTotalBytes())
          .append('\n');
    }
    return sb.toString();
  }

  private static String nullable(Object value) {
    return value == null ? "" : value.toString();
  }

  private static String quoted(String value) {
    return '"' + value.replace("\"", "\"\"") + '"';
  }
}
