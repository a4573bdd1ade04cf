package io.novacron.operator.store;

import io.novacron.operator.metrics.HostSample;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Writes one batch of samples and VM identities in the caller's transaction. The fast path COPYs
 * straight into the partitioned tables; if any row is already there (a batch retried after its
 * commit went through) the primary key refuses it, and the batch goes again through temporary
 * staging tables with ON CONFLICT DO NOTHING, so a retry never duplicates rows.
 */
final class BatchStore {
  private static final String UNIQUE_VIOLATION = "23505";

  private static final SampleCopy INTO_TABLES = new SampleCopy("vm_samples", "host_samples");
  private static final SampleCopy INTO_STAGING =
      new SampleCopy("vm_samples_staging", "host_samples_staging");

  private BatchStore() {}

  /** Returns whether every row was new (false when some were already stored and skipped). */
  static boolean write(
      Connection c,
      List<KeyOrder.Row> vms,
      List<HostSample> hosts,
      Collection<RunningVm> identities)
      throws SQLException {
    boolean allNew = true;
    try {
      INTO_TABLES.copy(c, vms, hosts);
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      c.rollback();
      allNew = false;
      try (Statement st = c.createStatement()) {
        st.execute(
            "CREATE TEMP TABLE IF NOT EXISTS vm_samples_staging (LIKE vm_samples)"
                + " ON COMMIT DELETE ROWS");
        st.execute(
            "CREATE TEMP TABLE IF NOT EXISTS host_samples_staging (LIKE host_samples)"
                + " ON COMMIT DELETE ROWS");
      }
      INTO_STAGING.copy(c, vms, hosts);
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
    return allNew;
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
}
