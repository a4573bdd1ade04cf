package io.novacron.operator.migration;

import io.novacron.crds.migration.Migration;
import io.novacron.crds.migration.MigrationStatus;
import io.novacron.crds.migration.MigrationStatus.Phase;
import io.novacron.operator.migration.MigrationQueue.Entry;
import io.novacron.operator.migration.MigrationQueue.Limits;
import io.novacron.operator.migration.MigrationQueue.State;
import io.novacron.operator.migration.MigrationQueue.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Admits Migrations to start under their pool's limits, one decision at a time. Reconciles of
 * different Migrations run in parallel and the informer cache lags our own status writes, so the
 * admissions made here are remembered until the Migration finishes: two reconciles can never both
 * take the last slot.
 */
final class MigrationAdmissions {
  private record Admitted(String pool, String sourceHost, Instant at) {}

  private final Map<String, Admitted> admitted = new HashMap<>();

  /**
   * Admits {@code candidate} (phase Pending, status naming its pool and source) if it may start.
   */
  synchronized Verdict tryAdmit(
      Migration candidate, Collection<Migration> all, Limits limits, Instant now) {
    if (admitted.containsKey(candidate.getMetadata().getUid())) {
      return new Verdict(true, null); // admitted before; our status write is not in the cache yet
    }
    String pool = candidate.getStatus().nodePool;
    String candidateUid = candidate.getMetadata().getUid();
    List<Entry> entries = new ArrayList<>();
    // the cache may not hold the candidate's Pending status yet: it is waiting, whatever it says
    entries.add(entry(candidate, candidate.getStatus().sourceHost, State.WAITING, null));
    for (Migration m : all) {
      MigrationStatus s = m.getStatus();
      String uid = m.getMetadata().getUid();
      if (uid.equals(candidateUid)) {
        continue;
      }
      Admitted a = admitted.get(uid);
      if (a != null) {
        if (a.pool().equals(pool)) {
          entries.add(entry(m, a.sourceHost(), State.ACTIVE, a.at()));
        }
      } else if (s != null && pool.equals(s.nodePool)) {
        entries.add(entry(m, s.sourceHost, stateOf(s.phase), startedAt(s)));
      }
    }
    Verdict verdict = MigrationQueue.decide(candidateUid, entries, limits, now);
    if (verdict.admit()) {
      admitted.put(candidateUid, new Admitted(pool, candidate.getStatus().sourceHost, now));
    }
    return verdict;
  }

  /** The Migration has finished (or is gone): its slot is free. */
  synchronized void release(String uid) {
    admitted.remove(uid);
  }

  private static Entry entry(Migration m, String source, State state, Instant startedAt) {
    return new Entry(
        m.getMetadata().getUid(),
        m.getMetadata().getName(),
        Instant.parse(
            Objects.requireNonNullElse(
                m.getMetadata().getCreationTimestamp(), Instant.EPOCH.toString())),
        source,
        state,
        startedAt);
  }

  /**
   * A Migration given its pool has a phase; one without a phase this operator can read had it
   * written by a newer operator, is left alone (see MigrationReconciler) and may well be moving its
   * VM, so it holds its slot as if under way.
   */
  private static State stateOf(Phase phase) {
    if (phase == null) {
      return State.ACTIVE;
    }
    return switch (phase) {
      case Pending -> State.WAITING;
      case Scheduling, Running -> State.ACTIVE;
      default -> State.FINISHED;
    };
  }

  private static Instant startedAt(MigrationStatus s) {
    return s.startTime == null ? null : Instant.parse(s.startTime);
  }
}
