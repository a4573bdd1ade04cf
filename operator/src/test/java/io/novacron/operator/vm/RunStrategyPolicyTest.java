package io.novacron.operator.vm;

import static io.novacron.crds.vm.RunStrategy.Always;
import static io.novacron.crds.vm.RunStrategy.Halted;
import static io.novacron.crds.vm.RunStrategy.Manual;
import static io.novacron.crds.vm.RunStrategy.RerunOnFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.crds.vm.RunStrategy;
import io.novacron.operator.libvirt.DomainPower;
import io.novacron.operator.libvirt.DomainPower.State;
import io.novacron.operator.libvirt.DomainPower.StopReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunStrategyPolicyTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final Optional<DomainPower> RUNNING =
      Optional.of(new DomainPower(State.RUNNING, StopReason.NONE));

  private static Optional<DomainPower> off(StopReason reason) {
    return Optional.of(new DomainPower(State.SHUT_OFF, reason));
  }

  private static PowerAction decide(RunStrategy s, Optional<DomainPower> p) {
    return RunStrategyPolicy.decide(s, p, true, null, GRACE, NOW);
  }

  @Test
  void missingDomainIsCreatedUnlessHaltedOrManualAfterFirstStart() {
    assertThat(decide(Always, Optional.empty())).isEqualTo(PowerAction.START);
    assertThat(decide(RerunOnFailure, Optional.empty())).isEqualTo(PowerAction.START);
    assertThat(decide(Halted, Optional.empty())).isEqualTo(PowerAction.NONE);
    assertThat(decide(Manual, Optional.empty())).isEqualTo(PowerAction.NONE);
    assertThat(RunStrategyPolicy.decide(Manual, Optional.empty(), false, null, GRACE, NOW))
        .isEqualTo(PowerAction.START);
  }

  @Test
  void alwaysRestartsWhateverStoppedIt() {
    for (StopReason r : StopReason.values()) {
      assertThat(decide(Always, off(r))).as(r.name()).isEqualTo(PowerAction.START);
    }
    assertThat(decide(Always, RUNNING)).isEqualTo(PowerAction.NONE);
  }

  @Test
  void rerunOnFailureRestartsAfterCrashButNotAfterGuestShutdown() {
    assertThat(decide(RerunOnFailure, off(StopReason.CRASHED))).isEqualTo(PowerAction.START);
    assertThat(decide(RerunOnFailure, off(StopReason.FAILED))).isEqualTo(PowerAction.START);
    assertThat(decide(RerunOnFailure, off(StopReason.DESTROYED))).isEqualTo(PowerAction.START);
    assertThat(decide(RerunOnFailure, off(StopReason.SHUTDOWN))).isEqualTo(PowerAction.NONE);
    assertThat(
            RunStrategyPolicy.decide(
                RerunOnFailure, off(StopReason.SHUTDOWN), true, NOW.minusSeconds(5), GRACE, NOW))
        .as("a stop NovaCron made while Halted is not the guest's choice")
        .isEqualTo(PowerAction.START);
  }

  @Test
  void haltedShutsDownGracefullyThenForcesAfterGracePeriod() {
    assertThat(decide(Halted, RUNNING)).isEqualTo(PowerAction.SHUTDOWN);
    assertThat(RunStrategyPolicy.decide(Halted, RUNNING, true, NOW.minusSeconds(10), GRACE, NOW))
        .isEqualTo(PowerAction.NONE);
    assertThat(RunStrategyPolicy.decide(Halted, RUNNING, true, NOW.minusSeconds(30), GRACE, NOW))
        .isEqualTo(PowerAction.DESTROY);
    assertThat(decide(Halted, off(StopReason.SHUTDOWN))).isEqualTo(PowerAction.NONE);
  }

  @Test
  void manualLeavesPowerStateAlone() {
    assertThat(decide(Manual, off(StopReason.CRASHED))).isEqualTo(PowerAction.NONE);
    assertThat(decide(Manual, RUNNING)).isEqualTo(PowerAction.NONE);
  }
}
