package io.novacron.operator.api;

import java.util.List;

/** What {@code /healthz} and {@code /readyz} report. */
public interface HealthSource {
  /** A named aspect of the operator's health; {@code healthy} says whether it is good. */
  record HealthCondition(String type, boolean healthy, String reason, String message) {}

  /** In-memory conditions; never blocks. */
  List<HealthCondition> conditions();

  /** Blocks: throws when the metric database is unreachable or not migrated. */
  void checkReady() throws Exception;
}
