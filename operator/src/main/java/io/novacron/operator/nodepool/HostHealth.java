package io.novacron.operator.nodepool;

import java.util.ArrayList;
import java.util.List;

/** Scores a host 0-100 and says why. Pure. */
final class HostHealth {
  record Score(int value, String reason) {}

  private HostHealth() {}

  static Score unreachable(String why) {
    return new Score(0, "not ready: " + why);
  }

  /**
   * @param freeMemoryFraction host-reported free memory over total
   * @param cpuAllocation allocated vCPUs over overcommitted CPU capacity
   * @param memoryAllocation allocated memory over overcommitted memory capacity
   */
  static Score of(
      double freeMemoryFraction, double cpuAllocation, double memoryAllocation, int unmanaged) {
    int score = 100;
    List<String> reasons = new ArrayList<>();
    if (freeMemoryFraction < 0.10) {
      score -= 40;
      reasons.add(percent(freeMemoryFraction) + " memory free");
    } else if (freeMemoryFraction < 0.25) {
      score -= 15;
      reasons.add(percent(freeMemoryFraction) + " memory free");
    }
    if (cpuAllocation > 0.9) {
      score -= 20;
      reasons.add(percent(cpuAllocation) + " of CPU capacity allocated");
    }
    if (memoryAllocation > 0.9) {
      score -= 20;
      reasons.add(percent(memoryAllocation) + " of memory capacity allocated");
    }
    if (unmanaged > 0) {
      score -= 5;
      reasons.add(unmanaged + " domain(s) not managed by NovaCron");
    }
    return new Score(
        Math.max(score, 1), reasons.isEmpty() ? "healthy" : String.join("; ", reasons));
  }

  private static String percent(double fraction) {
    return Math.round(fraction * 100) + "%";
  }
}
