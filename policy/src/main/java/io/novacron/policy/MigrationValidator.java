package io.novacron.policy;

import io.novacron.crds.common.MigrationMode;
import io.novacron.crds.migration.MigrationSpec;
import java.util.ArrayList;
import java.util.List;

/** Mistakes in a Migration spec itself (the CRD schema catches these too, where it runs). Pure. */
public final class MigrationValidator {
  private MigrationValidator() {}

  /** Human-readable problems, empty when the spec is valid. */
  public static List<String> problems(MigrationSpec spec) {
    if (spec == null) {
      return List.of("spec is missing");
    }
    List<String> problems = new ArrayList<>();
    if (spec.vmName == null || spec.vmName.isBlank()) {
      problems.add("vmName is required");
    }
    KnownValue.require(problems, "mode", spec.mode, MigrationMode.values());
    atLeastOne(problems, "bandwidthMiBps", spec.bandwidthMiBps);
    atLeastOne(problems, "maxDowntimeMillis", spec.maxDowntimeMillis);
    atLeastOne(problems, "completionTimeoutSeconds", spec.completionTimeoutSeconds);
    atLeastOne(problems, "progressTimeoutSeconds", spec.progressTimeoutSeconds);
    if (Boolean.TRUE.equals(spec.switchToPostCopy) && spec.mode != MigrationMode.PostCopy) {
      problems.add("switchToPostCopy needs mode PostCopy");
    }
    return problems;
  }

  private static void atLeastOne(List<String> problems, String field, Long value) {
    if (value != null && value < 1) {
      problems.add(field + " must be at least 1, got " + value);
    }
  }
}
