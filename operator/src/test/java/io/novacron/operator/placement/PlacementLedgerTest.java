package io.novacron.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.operator.placement.PlacementLedger.Assignment;
import java.util.Map;
import java.util.Set;
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
    assertThat(ledger.allocation("p", "h1").vcpus()).isEqualTo(1);
  }

  @Test
  void syncDropsDeletedVmsKeepsInFlightDecisionsAndTakesStatusesAsTruth() {
    PlacementLedger ledger = new PlacementLedger();
    ledger.record("deleted", new Assignment("p", "h1", 1, 128, "web"));
    ledger.record("in-flight", new Assignment("p", "h1", 1, 128, null));
    ledger.record("resized", new Assignment("p", "h2", 1, 128, null));

    ledger.sync(
        Set.of("in-flight", "resized", "other"),
        Map.of(
            "resized", new Assignment("p", "h2", 4, 512, null),
            "other", new Assignment("p", "h2", 1, 64, null)));

    var h1 = ledger.allocation("p", "h1");
    assertThat(h1.vmCount()).isEqualTo(1);
    assertThat(h1.groups()).as("the deleted VM's anti-affinity claim is gone").isEmpty();
    assertThat(ledger.allocation("p", "h2").vcpus()).isEqualTo(5);
    assertThat(ledger.allocation("p", "h2").memoryMiB()).isEqualTo(576);
  }
}
