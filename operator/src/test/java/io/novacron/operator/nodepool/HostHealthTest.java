package io.novacron.operator.nodepool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostHealthTest {
  @Test
  void healthyHostScoresFull() {
    assertThat(HostHealth.of(0.6, 0.2, 0.3, 0)).isEqualTo(new HostHealth.Score(100, "healthy"));
  }

  @Test
  void pressureLowersTheScoreAndIsExplained() {
    HostHealth.Score s = HostHealth.of(0.05, 0.95, 0.5, 2);
    assertThat(s.value()).isEqualTo(35);
    assertThat(s.reason())
        .isEqualTo(
            "5% memory free; 95% of CPU capacity allocated; 2 domain(s) not managed by NovaCron");
  }

  @Test
  void unreachableHostScoresZero() {
    assertThat(HostHealth.unreachable("timed out").value()).isZero();
  }
}
