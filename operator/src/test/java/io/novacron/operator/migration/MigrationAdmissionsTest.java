package io.novacron.operator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.migration.MigrationStatus;
import io.novacron.crds.migration.MigrationStatus.Phase;
import io.novacron.operator.migration.MigrationQueue.Limits;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationAdmissionsTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private static final Limits ONE_PER_POOL = new Limits(2, 1, 10);

  @Test
  void aMigrationInAPhaseThisOperatorCannotReadHoldsItsSlot() {
    // as the informer reads a status a newer operator wrote ("phase: Verifying"): no phase, but
    // the pool and source it was admitted with
    Migration newer = migration("newer", 1, null);
    Migration candidate = migration("candidate", 2, Phase.Pending);

    var verdict =
        new MigrationAdmissions().tryAdmit(candidate, List.of(newer, candidate), ONE_PER_POOL, NOW);

    assertThat(verdict.admit()).isFalse();
    assertThat(verdict.reason()).isEqualTo("1 migrations running in the pool (limit 1)");
  }

  @Test
  void aFinishedMigrationHoldsNoSlot() {
    Migration done = migration("done", 1, Phase.Succeeded);
    Migration candidate = migration("candidate", 2, Phase.Pending);

    assertThat(
            new MigrationAdmissions()
                .tryAdmit(candidate, List.of(done, candidate), ONE_PER_POOL, NOW)
                .admit())
        .isTrue();
  }

  private static Migration migration(String name, int createdMinute, Phase phase) {
    Migration m = new Migration();
    m.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("default")
            .withUid("uid-" + name)
            .withCreationTimestamp(NOW.minusSeconds(3600 - 60L * createdMinute).toString())
            .build());
    MigrationStatus s = new MigrationStatus();
    s.phase = phase;
    s.nodePool = "pool";
    s.sourceHost = "host1";
    s.startTime = phase == Phase.Pending ? null : NOW.minusSeconds(600).toString();
    m.setStatus(s);
    return m;
  }
}
