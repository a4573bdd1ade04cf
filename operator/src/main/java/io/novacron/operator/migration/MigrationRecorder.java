package io.novacron.operator.migration;

import io.novacron.crds.common.Conditions;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.migration.MigrationStatus;
import io.novacron.crds.migration.MigrationStatus.Phase;
import io.novacron.operator.kube.ConditionWriter;
import io.novacron.operator.kube.EventRecorder;

/**
 * Writes a Migration's phase, message and conditions (Scheduled: admitted to start; Complete: how
 * it ended), with an Event for each transition users care about.
 */
final class MigrationRecorder {
  private final ConditionWriter conditions;
  private final EventRecorder events;

  MigrationRecorder(ConditionWriter conditions, EventRecorder events) {
    this.conditions = conditions;
    this.events = events;
  }

  void accepted(Migration m) {
    MigrationStatus s = m.getStatus();
    s.phase = Phase.Pending;
    s.message = "checked; waiting for a slot";
    conditions.set(s.conditions, Conditions.SCHEDULED, false, "Accepted", s.message, gen(m));
  }

  /**
   * Pending for {@code reason} (WaitingForSlot, WaitingForVm); an Event when the reason changes.
   */
  void waiting(Migration m, String reason, String why) {
    MigrationStatus s = m.getStatus();
    s.phase = Phase.Pending;
    s.message = "waiting: " + why;
    if (conditions.set(s.conditions, Conditions.SCHEDULED, false, reason, why, gen(m))) {
      events.normal(m, "Waiting", why);
    }
  }

  void admitted(Migration m) {
    MigrationStatus s = m.getStatus();
    s.phase = Phase.Scheduling;
    s.message = "admitted; checking the target host";
    conditions.set(
        s.conditions, Conditions.SCHEDULED, true, "Admitted", "within the pool's limits", gen(m));
  }

  void started(Migration m) {
    MigrationStatus s = m.getStatus();
    conditions.set(s.conditions, Conditions.COMPLETE, false, "Running", s.message, gen(m));
    events.normal(m, "Started", s.message);
  }

  void succeeded(Migration m) {
    MigrationStatus s = m.getStatus();
    s.phase = Phase.Succeeded;
    String message =
        "moved from "
            + s.sourceHost
            + " to "
            + s.targetHost
            + " in "
            + s.durationMillis
            + " ms"
            + (s.downtimeMillis == null
                ? ", downtime not reported by libvirt"
                : ", downtime " + s.downtimeMillis + " ms")
            + (s.bytesTransferred == null ? "" : ", " + s.bytesTransferred + " bytes sent");
    s.message = message;
    conditions.set(s.conditions, Conditions.COMPLETE, true, "Succeeded", message, gen(m));
    events.normal(m, "Succeeded", message);
  }

  void failed(Migration m, String reason, String message) {
    MigrationStatus s = m.getStatus();
    s.phase = Phase.Failed;
    s.failureReason = reason + ": " + message;
    s.message = message;
    conditions.set(s.conditions, Conditions.COMPLETE, false, reason, message, gen(m));
    events.warning(m, reason, message);
  }

  void cancelled(Migration m, String message) {
    MigrationStatus s = m.getStatus();
    s.phase = Phase.Cancelled;
    s.message = message;
    conditions.set(s.conditions, Conditions.COMPLETE, false, "Cancelled", message, gen(m));
    events.normal(m, "Cancelled", message);
  }

  /** A Warning Event only: the status, which a newer operator wrote, is left alone. */
  void statusNotUnderstood(Migration m, String unknownValues) {
    events.warning(
        m,
        "StatusNotUnderstood",
        "the status holds values this operator does not know ("
            + unknownValues
            + "); a newer operator wrote it, so this Migration is left as it is (and counted"
            + " as under way against its pool's migration limits)");
  }

  void normal(Migration m, String reason, String message) {
    events.normal(m, reason, message);
  }

  private static Long gen(Migration m) {
    return m.getMetadata().getGeneration();
  }
}
