package io.novacron.operator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.crds.common.MigrationMode;
import io.novacron.crds.common.MigrationTuning;
import io.novacron.crds.migration.MigrationSpec;
import io.novacron.crds.vm.MigrationPreferences;
import io.novacron.operator.libvirt.LiveMigrationCall;
import org.junit.jupiter.api.Test;

/** Max downtime and bandwidth: the Migration's, else the VM's preferences, else the pool's. */
class MigrationOptionsTest {
  @Test
  void theMostSpecificSettingWins() {
    MigrationSpec spec = new MigrationSpec();
    spec.mode = MigrationMode.PostCopy;
    spec.bandwidthMiBps = 50L;
    MigrationPreferences vm = new MigrationPreferences();
    vm.bandwidthMiBps = 20L;
    vm.maxDowntimeMillis = 30L;
    MigrationTuning pool = new MigrationTuning();
    pool.bandwidthMiBps = 10L;
    pool.maxDowntimeMillis = 40L;

    LiveMigrationCall.Options all = MigrationRunner.options(spec, vm, pool, false);
    assertThat(all.bandwidthMiBps()).isEqualTo(50L);
    assertThat(all.maxDowntimeMillis()).isEqualTo(30L);
    assertThat(all.postCopy()).isTrue();

    LiveMigrationCall.Options poolOnly =
        MigrationRunner.options(new MigrationSpec(), null, pool, true);
    assertThat(poolOnly.bandwidthMiBps()).isEqualTo(10L);
    assertThat(poolOnly.maxDowntimeMillis()).isEqualTo(40L);
    assertThat(poolOnly.copyStorage()).isTrue();

    LiveMigrationCall.Options none =
        MigrationRunner.options(new MigrationSpec(), null, null, false);
    assertThat(none.bandwidthMiBps()).isNull();
    assertThat(none.maxDowntimeMillis()).isNull();
  }
}
