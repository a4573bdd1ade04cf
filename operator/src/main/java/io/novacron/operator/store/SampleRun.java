package io.novacron.operator.store;

import io.novacron.operator.metrics.VmSample;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A row of vm_sample_runs: one VM's consecutive samples of a batch that fall in the same minute
 * (UTC) and have as many vCPU figures each, in time order.
 */
record SampleRun(UUID vm, List<VmSample> samples) {
  /** Splits rows in key order (by VM, then time, as {@link KeyOrder} gives them) into runs. */
  static List<SampleRun> of(List<KeyOrder.Row> rows) {
    List<SampleRun> runs = new ArrayList<>();
    SampleRun current = null;
    for (KeyOrder.Row row : rows) {
      if (current == null || !current.accepts(row)) {
        current = new SampleRun(row.vm(), new ArrayList<>(6));
        runs.add(current);
      }
      current.samples.add(row.sample());
    }
    return runs;
  }

  private boolean accepts(KeyOrder.Row row) {
    VmSample first = samples.get(0);
    return vm.equals(row.vm())
        && minute(first) == minute(row.sample())
        && first.vcpuPercent().size() == row.sample().vcpuPercent().size();
  }

  private static long minute(VmSample s) {
    return Math.floorDiv(s.at().getEpochSecond(), 60);
  }
}
