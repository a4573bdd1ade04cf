package io.novacron.operator.store;

import io.novacron.operator.metrics.VmSample;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The 1-minute rollups of the minutes not yet closed, accumulated from the samples this writer
 * stored, so closing a minute writes them instead of reading its raw rows back. A minute is known
 * completely only if every row of it went through here: not before this writer started (an earlier
 * run may have stored some), and not if a batch of it was stored row by row skipping duplicates;
 * such minutes are closed from raw rows instead.
 *
 * <p>The writer thread adds minutes that are not being closed; the closer thread takes closed ones.
 */
final class MinuteAggregates {
  private final Instant coveredFrom;
  private final ConcurrentSkipListMap<Instant, Map<UUID, MinuteAggregate>> minutes =
      new ConcurrentSkipListMap<>();
  private final Set<Instant> fromRaw = ConcurrentHashMap.newKeySet();

  /** {@code started}: when the writer started; the minute after it is the first fully seen. */
  MinuteAggregates(Instant started) {
    this.coveredFrom = started.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
  }

  /**
   * Samples just stored, every row of them new. In key order (by VM, then time) consecutive samples
   * mostly fall in the same aggregate, which is then looked up once.
   */
  void add(List<KeyOrder.Row> stored) {
    MinuteAggregate current = null;
    for (KeyOrder.Row row : stored) {
      Instant minute = row.sample().at().truncatedTo(ChronoUnit.MINUTES);
      if (current == null || !current.minute.equals(minute) || !current.vm.equals(row.vm())) {
        current =
            minutes
                .computeIfAbsent(minute, m -> new ConcurrentHashMap<>())
                .computeIfAbsent(row.vm(), vm -> new MinuteAggregate(vm, minute));
      }
      current.add(row.sample());
    }
  }

  /** Minutes of these samples must be closed from raw rows (not every row was new). */
  void closeFromRaw(List<VmSample> samples) {
    for (VmSample s : samples) {
      fromRaw.add(s.at().truncatedTo(ChronoUnit.MINUTES));
    }
  }

  /** Whether closing this minute may write the aggregates held here. */
  boolean complete(Instant minute) {
    return !minute.isBefore(coveredFrom) && !fromRaw.contains(minute);
  }

  /** The aggregates of one minute (empty if no sample fell in it). */
  Collection<MinuteAggregate> of(Instant minute) {
    Map<UUID, MinuteAggregate> vms = minutes.get(minute);
    return vms == null ? List.of() : vms.values();
  }

  /** Drops what minutes before {@code closedThrough} held: they are closed. */
  void forgetBefore(Instant closedThrough) {
    minutes.headMap(closedThrough).clear();
    fromRaw.removeIf(m -> m.isBefore(closedThrough));
  }
}
