package io.novacron.operator.migration;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which waiting Migration of a pool may start now: waiting ones are taken in creation order, each
 * starting if the pool's limits (running out of its source host, running in the pool, started in
 * the last hour) still allow it after those before it. A Migration held up by its own host's limit
 * does not hold up one from another host. Pure.
 */
final class MigrationQueue {
  enum State {
    WAITING,
    ACTIVE,
    FINISHED
  }

  /** One Migration of the pool; {@code startedAt} is null until it was admitted. */
  record Entry(
      String uid,
      String name,
      Instant created,
      String sourceHost,
      State state,
      Instant startedAt) {}

  record Limits(int perHost, int perPool, int perHour) {}

  /** Whether the candidate may start, and if not, why it waits. */
  record Verdict(boolean admit, String reason) {}

  private static final Duration HOUR = Duration.ofHours(1);

  private MigrationQueue() {}

  static Verdict decide(String candidateUid, List<Entry> pool, Limits limits, Instant now) {
    Map<String, Integer> runningFromHost = new HashMap<>();
    int running = 0;
    int startedLastHour = 0;
    for (Entry e : pool) {
      if (e.state() == State.ACTIVE) {
        runningFromHost.merge(e.sourceHost(), 1, Integer::sum);
        running++;
      }
      if (e.startedAt() != null && e.startedAt().isAfter(now.minus(HOUR))) {
        startedLastHour++;
      }
    }
    List<Entry> waiting =
        pool.stream()
            .filter(e -> e.state() == State.WAITING)
            .sorted(Comparator.comparing(Entry::created).thenComparing(Entry::name))
            .toList();
    for (Entry w : waiting) {
      int fromHost = runningFromHost.getOrDefault(w.sourceHost(), 0);
      String blocked = null;
      if (fromHost >= limits.perHost()) {
        blocked =
            "host "
                + w.sourceHost()
                + " already has "
                + fromHost
                + " outbound migrations running"
                + " (limit "
                + limits.perHost()
                + ")";
      } else if (running >= limits.perPool()) {
        blocked = running + " migrations running in the pool (limit " + limits.perPool() + ")";
      } else if (startedLastHour >= limits.perHour()) {
        blocked =
            startedLastHour
                + " migrations started in the pool in the last hour (limit "
                + limits.perHour()
                + ")";
      }
      if (w.uid().equals(candidateUid)) {
        return blocked == null ? new Verdict(true, null) : new Verdict(false, blocked);
      }
      if (blocked == null) {
        runningFromHost.merge(w.sourceHost(), 1, Integer::sum);
        running++;
        startedLastHour++;
      }
    }
    return new Verdict(false, "not waiting in the pool's queue");
  }
}
