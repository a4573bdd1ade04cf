package io.novacron.operator.vm;

import io.novacron.crds.common.Conditions;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.crds.vm.VirtualMachineStatus.Phase;
import io.novacron.operator.kube.ConditionWriter;
import io.novacron.operator.kube.EventRecorder;
import java.util.List;
import java.util.Set;

/**
 * Writes a VM's phase and conditions, and an Event whenever a condition changes, so users see each
 * transition once instead of an Event per reconcile.
 */
public final class VmStatusRecorder {
  private static final Set<String> QUIET_NOT_READY_REASONS =
      Set.of("Halted", "Stopping", "Stopped", "GuestShutdown");

  private final ConditionWriter conditions;
  private final EventRecorder events;

  public VmStatusRecorder(ConditionWriter conditions, EventRecorder events) {
    this.conditions = conditions;
    this.events = events;
  }

  void invalid(VirtualMachine vm, String message) {
    notReady(vm, Phase.Failed, "InvalidSpec", message);
  }

  void unscheduled(VirtualMachine vm, String reason, String message) {
    VirtualMachineStatus s = vm.getStatus();
    s.phase = Phase.Pending;
    conditions.set(s.conditions, Conditions.SCHEDULED, false, reason, message, generation(vm));
    setReady(vm, false, reason, message);
  }

  void scheduled(VirtualMachine vm, String reason, String message) {
    VirtualMachineStatus s = vm.getStatus();
    if (conditions.set(s.conditions, Conditions.SCHEDULED, true, reason, message, generation(vm))) {
      events.normal(vm, "Scheduled", message);
    }
  }

  void running(VirtualMachine vm, String message) {
    vm.getStatus().phase = Phase.Running;
    setReady(vm, true, "Running", message);
  }

  /** Ready stays as it was: a live-migrating guest keeps serving. */
  void migrating(VirtualMachine vm) {
    vm.getStatus().phase = Phase.Migrating;
  }

  void moved(VirtualMachine vm, String from, String to) {
    events.normal(vm, "Moved", "its domain is now on host " + to + " (was " + from + ")");
    conditions.set(
        vm.getStatus().conditions,
        Conditions.SCHEDULED,
        true,
        "Moved",
        "runs on host " + to + " (moved from " + from + ")",
        generation(vm));
  }

  void notReady(VirtualMachine vm, Phase phase, String reason, String message) {
    vm.getStatus().phase = phase;
    setReady(vm, false, reason, message);
  }

  void restartRequired(VirtualMachine vm, List<String> changedSections) {
    VirtualMachineStatus s = vm.getStatus();
    if (changedSections.isEmpty()) {
      conditions.set(
          s.conditions,
          Conditions.RESTART_REQUIRED,
          false,
          "UpToDate",
          "the running domain matches the spec",
          generation(vm));
      return;
    }
    String message =
        "changes to "
            + String.join(", ", changedSections)
            + " take effect after the VM restarts (set runStrategy Halted, then back)";
    if (conditions.set(
        s.conditions, Conditions.RESTART_REQUIRED, true, "SpecChanged", message, generation(vm))) {
      events.normal(vm, "RestartRequired", message);
    }
  }

  void normal(VirtualMachine vm, String reason, String message) {
    events.normal(vm, reason, message);
  }

  void warning(VirtualMachine vm, String reason, String message) {
    events.warning(vm, reason, message);
  }

  private void setReady(VirtualMachine vm, boolean ready, String reason, String message) {
    boolean changed =
        conditions.set(
            vm.getStatus().conditions, Conditions.READY, ready, reason, message, generation(vm));
    if (!changed || ready) {
      return;
    }
    if (QUIET_NOT_READY_REASONS.contains(reason)) {
      events.normal(vm, reason, message);
    } else {
      events.warning(vm, reason, message);
    }
  }

  private static Long generation(VirtualMachine vm) {
    return vm.getMetadata().getGeneration();
  }
}
