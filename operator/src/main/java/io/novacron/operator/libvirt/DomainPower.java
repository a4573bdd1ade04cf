package io.novacron.operator.libvirt;

/** A domain's power state and why it is in it, as libvirt's virDomainGetState reports. */
public record DomainPower(State state, StopReason stopReason) {

  public enum State {
    RUNNING,
    PAUSED,
    SHUTTING_DOWN,
    SHUT_OFF,
    CRASHED,
    OTHER
  }

  /**
   * Why a domain is shut off. After NONE, the constants follow libvirt's virDomainShutoffReason in
   * order (0 = UNKNOWN ... 8 = DAEMON), which {@link #fromLibvirt} relies on.
   */
  public enum StopReason {
    NONE,
    UNKNOWN,
    /** The guest powered itself off, or obeyed an ACPI shutdown. */
    SHUTDOWN,
    DESTROYED,
    CRASHED,
    MIGRATED,
    SAVED,
    FAILED,
    FROM_SNAPSHOT,
    DAEMON
  }

  public boolean isRunning() {
    return state == State.RUNNING || state == State.PAUSED || state == State.SHUTTING_DOWN;
  }

  static DomainPower fromLibvirt(int state, int reason) {
    State s =
        switch (state) {
          case 1, 2 -> State.RUNNING; // running, blocked
          case 3, 7 -> State.PAUSED; // paused, pm-suspended
          case 4 -> State.SHUTTING_DOWN;
          case 5 -> State.SHUT_OFF;
          case 6 -> State.CRASHED;
          default -> State.OTHER;
        };
    StopReason r = StopReason.NONE;
    if (s == State.SHUT_OFF) {
      StopReason[] reasons = StopReason.values();
      r = reason >= 0 && reason + 1 < reasons.length ? reasons[reason + 1] : StopReason.UNKNOWN;
    }
    return new DomainPower(s, r);
  }
}
