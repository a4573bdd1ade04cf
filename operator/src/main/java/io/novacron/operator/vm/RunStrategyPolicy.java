package io.novacron.operator.vm;

import io.novacron.crds.vm.RunStrategy;
import io.novacron.operator.libvirt.DomainPower;
import io.novacron.operator.libvirt.DomainPower.State;
import io.novacron.operator.libvirt.DomainPower.StopReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Decides the power action a runStrategy calls for, given what the host reports. Pure. */
final class RunStrategyPolicy {
  private RunStrategyPolicy() {}

  /**
   * @param power the domain's power state, empty when no domain exists
   * @param everStarted whether NovaCron has started this VM before
   * @param stopRequestedAt when NovaCron asked the domain to stop (Halted), or null
   */
  static PowerAction decide(
      RunStrategy strategy,
      Optional<DomainPower> power,
      boolean everStarted,
      Instant stopRequestedAt,
      Duration gracePeriod,
      Instant now) {
    if (power.isEmpty()) {
      return switch (strategy) {
        case Halted -> PowerAction.NONE;
        case Manual -> everStarted ? PowerAction.NONE : PowerAction.START;
        case Always, RerunOnFailure -> PowerAction.START;
      };
    }
    DomainPower p = power.get();
    if (strategy == RunStrategy.Halted) {
      if (!p.isRunning()) {
        return PowerAction.NONE;
      }
      if (stopRequestedAt == null) {
        return PowerAction.SHUTDOWN;
      }
      return now.isBefore(stopRequestedAt.plus(gracePeriod))
          ? PowerAction.NONE
          : PowerAction.DESTROY;
    }
    if (p.state() != State.SHUT_OFF && p.state() != State.CRASHED) {
      return PowerAction.NONE;
    }
    return switch (strategy) {
      case Always -> PowerAction.START;
      // A guest that powered itself off stays off; anything else (a crash, a destroy behind
      // our back, or a stop NovaCron made while the VM was Halted) is rerun.
      case RerunOnFailure ->
          p.stopReason() != StopReason.SHUTDOWN || stopRequestedAt != null
              ? PowerAction.START
              : PowerAction.NONE;
      default -> PowerAction.NONE;
    };
  }
}
