package io.novacron.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyFileTest {
  @Test
  void readsTheSampleShape() {
    TenancyPolicy p = PolicyFile.parse(AdmissionRulesTest.POLICY);
    assertThat(p.rulesFor("team-a", Map.of())).get().extracting(r -> r.maxVcpusPerVm).isEqualTo(8);
    assertThat(p.rulesFor("x", Map.of("tier", "gold"))).isPresent();
    assertThat(p.rulesFor("x", Map.of())).isEmpty();
    assertThat(PolicyFile.parse("").namespaces).isEmpty();
  }

  @Test
  void mistakesAreNamed() {
    assertThatThrownBy(() -> PolicyFile.parse("namespaces:\n- names: [a]\n  quotaa: {}\n"))
        .hasMessageContaining("quotaa");
    assertThatThrownBy(() -> PolicyFile.parse("namespaces:\n- maxVcpusPerVm: 2\n"))
        .hasMessage("policy file: namespaces[0] covers no namespace: give names or matchLabels");
    assertThatThrownBy(
            () -> PolicyFile.parse("namespaces:\n- names: [a]\n  maxMemoryPerVm: lots\n"))
        .hasMessageContaining("maxMemoryPerVm: 'lots' is not a valid quantity");
    assertThatThrownBy(() -> PolicyFile.parse("namespaces: [[["))
        .hasMessageStartingWith("policy file:");
  }
}
