package io.novacron.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.operator.placement.PlacementLedger.Assignment;
import org.junit.jupiter.api.Test;

class PlacementLedgerTest {
  @Test
  void sumsAssignmentsPerPoolAndHost() {
    PlacementLedger ledger = new PlacementLedger();
    ledger.record("a", new Assignment("p", "h1", 2, 512, "web"));
    ledger.record("b", new Assignment("p", "h1", 1, 256, null));
    ledger.record("c", new Assignment("p", "h2", 4, 1024, null));
    ledger.record("d", new Assignment("other", "h1", 8, 8192, null));

    var h1 = ledger.allocation("p", "h1");
    assertThat(h1.vcpus()).isEqualTo(3);
    assertThat(h1.memoryMiB()).isEqualTo(768);
    assertThat(h1.vmCount()).isEqualTo(2);
    assertThat(h1.groups()).containsExactly("web");

    ledger.forget("a");
    ledger.recordIfAbsent("b", new Assignment("p", "h2", 1, 256, null));
    assertThat(ledger.allocation("p", "h1").vcpus()).isEqualTo(1);
  }
}
