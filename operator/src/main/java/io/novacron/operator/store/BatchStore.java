package io.novacron.operator.store;

import io.novacron.operator.metrics.HostSample;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Writes one batch of samples and VM identities in the caller's transaction. The fast path COPYs
 * straight into the partitioned tables, VM samples as runs; if any row is already there (a batch
 * retried after its commit went through forms the same runs) the primary key refuses it, and the
 * batch goes again through temporary staging tables, one row per sample, from which only samples
 * not stored yet are inserted, so a retry never duplicates samples.
 */
final class BatchStore {
  private static final String UNIQUE_VIOLATION = "23505";

  private static final SampleCopy INTO_TABLES = SampleCopy.asRuns("vm_sample_runs", "host_samples");
  private static final SampleCopy INTO_STAGING =
      SampleCopy.asSamples("vm_samples_staging", "host_samples_staging");

  /** The staged samples not stored yet, as runs (whole minutes of the batch, per vCPU count). */
  private static final String NEW_RUNS_FROM_STAGING =
      "INSERT INTO vm_sample_runs SELECT vm_uid, min(ts), array_agg(ts ORDER BY ts),"
          + " array_agg(cpu_percent ORDER BY ts), coalesce(array_agg(vcpu_percent ORDER BY ts)"
          + " FILTER (WHERE cardinality(vcpu_percent) > 0), '{}'),"
          + " array_agg(memory_used_bytes ORDER BY ts),"
          + " array_agg(memory_available_bytes ORDER BY ts),"
          + " array_agg(disk_read_bytes_per_second ORDER BY ts),"
          + " array_agg(disk_write_bytes_per_second ORDER BY ts),"
          + " array_agg(disk_read_ops_per_second ORDER BY ts),"
          + " array_agg(disk_write_ops_per_second ORDER BY ts),"
          + " array_agg(network_rx_bytes_per_second ORDER BY ts),"
          + " array_agg(network_tx_bytes_per_second ORDER BY ts)"
          + " FROM vm_samples_staging s WHERE NOT EXISTS (SELECT 1 FROM vm_samples v"
          + " WHERE v.vm_uid = s.vm_uid AND v.ts = s.ts"
          + " AND v.run_start >= date_trunc('minute', s.ts, 'UTC')"
          + " AND v.run_start < date_trunc('minute', s.ts, 'UTC') + interval '1 minute')"
          + " GROUP BY vm_uid, date_trunc('minute', ts, 'UTC'), cardinality(vcpu_percent)";

  private BatchStore() {}

  /**
   * Returns whether every row was new (false when some were already stored and skipped). Samples
   * that {@code mayBeStored} are checked against the stored ones; the others go straight in.
   */
  static boolean write(
      Connection c,
      List<KeyOrder.Row> vms,
      List<HostSample> hosts,
      Collection<RunningVm> identities,
      Predicate<KeyOrder.Row> mayBeStored)
      throws SQLException {
    List<KeyOrder.Row> fresh = new ArrayList<>(vms.size());
    List<KeyOrder.Row> checked = new ArrayList<>();
    for (KeyOrder.Row row : vms) {
      (mayBeStored.test(row) ? checked : fresh).add(row);
    }
    boolean allNew;
    try {
      INTO_TABLES.copy(c, fresh, hosts);
      allNew = checked.isEmpty() || writeNewOnly(c, checked, List.of());
    } catch (SQLException e) {
      if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw e;
      }
      c.rollback();
      writeNewOnly(c, vms, hosts);
      allNew = false;
    }
    if (!identities.isEmpty()) {
      upsertIdentities(c, identities);
    }
    return allNew;
  }

  /** Stages the samples and inserts those not stored yet; returns whether all of them were new. */
  private static boolean writeNewOnly(Connection c, List<KeyOrder.Row> vms, List<HostSample> hosts)
      throws SQLException {
    try (Statement st = c.createStatement()) {
      // the view's columns; run_start stays empty
      st.execute(
          "CREATE TEMP TABLE IF NOT EXISTS vm_samples_staging (LIKE vm_samples)"
              + " ON COMMIT DELETE ROWS");
      st.execute(
          "CREATE TEMP TABLE IF NOT EXISTS host_samples_staging (LIKE host_samples)"
              + " ON COMMIT DELETE ROWS");
    }
    INTO_STAGING.copy(c, vms, hosts);
    int samplesInserted = 0;
    int hostsInserted;
    try (Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery(NEW_RUNS_FROM_STAGING + " RETURNING cardinality(ts)")) {
        while (rs.next()) {
          samplesInserted += rs.getInt(1);
        }
      }
      hostsInserted =
          st.executeUpdate(
              "INSERT INTO host_samples SELECT * FROM host_samples_staging ON CONFLICT DO NOTHING");
    }
    return samplesInserted == vms.size() && hostsInserted == hosts.size();
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
