package io.novacron.operator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.operator.migration.MigrationQueue.Entry;
import io.novacron.operator.migration.MigrationQueue.Limits;
import io.novacron.operator.migration.MigrationQueue.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationQueueTest {
  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  static final Limits LIMITS = new Limits(2, 3, 10);

  @Test
  void waitingMigrationsStartInCreationOrderUpToTheHostLimit() {
    List<Entry> pool =
        List.of(waiting("c", 3, "host1"), waiting("a", 1, "host1"), waiting("b", 2, "host1"));
    assertThat(MigrationQueue.decide("a", pool, LIMITS, NOW).admit()).isTrue();
    assertThat(MigrationQueue.decide("b", pool, LIMITS, NOW).admit()).isTrue();
    var third = MigrationQueue.decide("c", pool, LIMITS, NOW);
    assertThat(third.admit()).isFalse();
    assertThat(third.reason())
        .isEqualTo("host host1 already has 2 outbound migrations running (limit 2)");
  }

  @Test
  void aMigrationHeldByItsHostDoesNotHoldUpAnotherHost() {
    List<Entry> pool =
        List.of(
            active("r1", "host1"),
            active("r2", "host1"),
            waiting("held", 1, "host1"),
            waiting("free", 2, "host2"));
    assertThat(MigrationQueue.decide("held", pool, LIMITS, NOW).admit()).isFalse();
    assertThat(MigrationQueue.decide("free", pool, LIMITS, NOW).admit()).isTrue();
  }

  @Test
  void thePoolLimitCountsEveryHost() {
    List<Entry> pool =
        List.of(
            active("r1", "host1"),
            active("r2", "host2"),
            waiting("first", 1, "host3"),
            waiting("second", 2, "host4"));
    assertThat(MigrationQueue.decide("first", pool, LIMITS, NOW).admit()).isTrue();
    var second = MigrationQueue.decide("second", pool, LIMITS, NOW);
    assertThat(second.admit()).isFalse();
    assertThat(second.reason()).isEqualTo("3 migrations running in the pool (limit 3)");
  }

  @Test
  void theHourlyBudgetCountsFinishedMigrationsOfTheLastHourOnly() {
    Limits twoPerHour = new Limits(5, 5, 2);
    List<Entry> pool =
        List.of(
            finished("old", NOW.minus(Duration.ofMinutes(61))),
            finished("recent", NOW.minus(Duration.ofMinutes(10))),
            waiting("a", 1, "host1"),
            waiting("b", 2, "host1"));
    assertThat(MigrationQueue.decide("a", pool, twoPerHour, NOW).admit()).isTrue();
    assertThat(MigrationQueue.decide("b", pool, twoPerHour, NOW).reason())
        .isEqualTo("2 migrations started in the pool in the last hour (limit 2)");
  }

  @Test
  void aLimitOfZeroStopsMigrations() {
    var verdict =
        MigrationQueue.decide("a", List.of(waiting("a", 1, "host1")), new Limits(0, 5, 5), NOW);
    assertThat(verdict.admit()).isFalse();
    assertThat(verdict.reason()).contains("(limit 0)");
  }

  static Entry waiting(String uid, int createdSecond, String host) {
    return new Entry(uid, uid, NOW.minusSeconds(100 - createdSecond), host, State.WAITING, null);
  }

  static Entry active(String uid, String host) {
    return new Entry(uid, uid, NOW.minusSeconds(500), host, State.ACTIVE, NOW.minusSeconds(30));
  }

  static Entry finished(String uid, Instant startedAt) {
    return new Entry(uid, uid, startedAt, "host1", State.FINISHED, startedAt);
  }
}
