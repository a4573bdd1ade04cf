package io.novacron.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.crds.common.MigrationMode;
import io.novacron.crds.migration.MigrationSpec;
import org.junit.jupiter.api.Test;

class MigrationValidatorTest {
  @Test
  void problemsNameTheFieldAndTheValue() {
    MigrationSpec spec = spec(MigrationMode.Live);
    spec.bandwidthMiBps = -5L;
    spec.completionTimeoutSeconds = 0L;
    spec.switchToPostCopy = true;
    assertThat(MigrationValidator.problems(spec))
        .containsExactly(
            "bandwidthMiBps must be at least 1, got -5",
            "completionTimeoutSeconds must be at least 1, got 0",
            "switchToPostCopy needs mode PostCopy");
    assertThat(MigrationValidator.problems(spec(MigrationMode.PostCopy))).isEmpty();
    MigrationSpec noVm = spec(MigrationMode.Cold);
    noVm.vmName = " ";
    assertThat(MigrationValidator.problems(noVm)).containsExactly("vmName is required");
    assertThat(MigrationValidator.problems(null)).containsExactly("spec is missing");
    assertThat(MigrationValidator.problems(spec(null)))
        .containsExactly("mode must be one of Live, PostCopy, Cold");
  }

  private static MigrationSpec spec(MigrationMode mode) {
    MigrationSpec s = new MigrationSpec();
    s.vmName = "web";
    s.mode = mode;
    return s;
  }
}
