package io.novacron.operator.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per VM, the newest sample this writer has stored. The raw table's key covers runs, not samples,
 * so it refuses a sample stored before only when a run starts with it; a sample newer than its VM's
 * newest stored one (and taken after this writer started: an earlier run of the operator may have
 * stored older ones) cannot be stored yet and goes the fast way. Any other sample is checked
 * against the stored ones first.
 */
final class NewestStored {
  private final Instant writerStarted;
  private final Map<String, Instant> newest = new ConcurrentHashMap<>();

  NewestStored(Instant writerStarted) {
    this.writerStarted = writerStarted;
  }

  boolean mayBeStored(KeyOrder.Row row) {
    return !row.sample().at().isAfter(newest.getOrDefault(row.sample().vmUid(), writerStarted));
  }

  /** Rows just committed, in key order (each VM's newest last). */
  void stored(List<KeyOrder.Row> rows) {
    for (int i = 0; i < rows.size(); i++) {
      KeyOrder.Row row = rows.get(i);
      boolean lastOfVm = i + 1 == rows.size() || !rows.get(i + 1).vm().equals(row.vm());
      if (lastOfVm) {
        newest.merge(row.sample().vmUid(), row.sample().at(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
  }

  void retainOnly(Set<String> vmUids) {
    newest.keySet().retainAll(vmUids);
  }
}
