package io.novacron.operator.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.libvirt.TypedParameter;
import org.libvirt.TypedStringParameter;
import org.libvirt.TypedUlongParameter;

class JobStatsTest {
  @Test
  void readsTheMigrationFiguresLibvirtReports() {
    JobStats stats =
        JobStats.of(
            2,
            new TypedParameter[] {
              new TypedUlongParameter("time_elapsed", 1500),
              new TypedUlongParameter("data_total", 400),
              new TypedUlongParameter("data_processed", 300),
              new TypedUlongParameter("data_remaining", 100),
              new TypedUlongParameter("memory_dirty_rate", 10),
              new TypedUlongParameter("memory_page_size", 4096),
              new TypedStringParameter("unrelated", "text")
            });
    assertThat(stats.active()).isTrue();
    assertThat(stats.elapsedMillis()).isEqualTo(1500);
    assertThat(stats.dirtyRateBytesPerSecond()).isEqualTo(40960);
    assertThat(stats.percent()).isEqualTo(75);
    assertThat(stats.downtimeMillis()).isEqualTo(-1);
  }

  @Test
  void aCompletedJobIsNotActiveAndUnknownFiguresAreMinusOne() {
    JobStats done = JobStats.of(3, new TypedParameter[] {new TypedUlongParameter("downtime", 17)});
    assertThat(done.active()).isFalse();
    assertThat(done.downtimeMillis()).isEqualTo(17);
    assertThat(done.percent()).isEqualTo(-1);
    assertThat(done.dirtyRateBytesPerSecond()).isEqualTo(-1);
  }

  @Test
  void settledFiguresFillWhatTheCompletedJobLacksFromTheLastRunningOne() {
    JobStats running =
        JobStats.of(
            2,
            new TypedParameter[] {
              new TypedUlongParameter("time_elapsed", 9000),
              new TypedUlongParameter("data_processed", 700),
              new TypedUlongParameter("downtime", 31)
            });
    JobStats postCopyDone = JobStats.of(0, new TypedParameter[] {});
    JobStats settled = JobStats.settled(postCopyDone, running);
    assertThat(settled.downtimeMillis()).as("only an estimate while running").isEqualTo(-1);
    assertThat(settled.dataProcessed()).isEqualTo(700);
    assertThat(settled.elapsedMillis()).isEqualTo(9000);
    JobStats complete =
        JobStats.of(3, new TypedParameter[] {new TypedUlongParameter("downtime", 12)});
    assertThat(JobStats.settled(complete, running).downtimeMillis()).isEqualTo(12);
    assertThat(JobStats.settled(complete, null)).isSameAs(complete);
  }
}
