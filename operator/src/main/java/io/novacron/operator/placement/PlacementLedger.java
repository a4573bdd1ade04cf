package io.novacron.operator.placement;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which VM sits on which host, as this operator decided it. Placement decisions are made one at a
 * time under this ledger's lock and recorded at once, so two VMs placed concurrently see each other
 * even before either one's status reaches the API server.
 */
public final class PlacementLedger {
  /** One VM's claim on a host. */
  public record Assignment(
      String pool, String host, int vcpus, long memoryMiB, String antiAffinityGroup) {}

  /** Totals of the assignments on one host. */
  public record HostAllocation(int vcpus, long memoryMiB, int vmCount, Set<String> groups) {
    static final HostAllocation EMPTY = new HostAllocation(0, 0, 0, Set.of());
  }

  private final Map<String, Assignment> byVmUid = new HashMap<>();

  public synchronized <T> T decide(Supplier<T> decision) {
    return decision.get();
  }

  public synchronized void record(String vmUid, Assignment assignment) {
    byVmUid.put(vmUid, assignment);
  }

  /**
   * Brings the ledger in line with the VMs that exist: claims of VMs that are gone (or being
   * deleted) are dropped, claims shown in a VM's status replace what was recorded (they may have
   * been resized), and decisions not yet in any status are kept.
   *
   * @param live UIDs of the VMs that exist and are not being deleted
   * @param placed claims read from those VMs' statuses, by UID
   */
  public synchronized void sync(Set<String> live, Map<String, Assignment> placed) {
    byVmUid.keySet().retainAll(live);
    byVmUid.putAll(placed);
  }

  public synchronized void forget(String vmUid) {
    byVmUid.remove(vmUid);
  }

  public synchronized HostAllocation allocation(String pool, String host) {
    int vcpus = 0;
    long memory = 0;
    int count = 0;
    Set<String> groups = new HashSet<>();
    for (Assignment a : byVmUid.values()) {
      if (a.pool().equals(pool) && a.host().equals(host)) {
        vcpus += a.vcpus();
        memory += a.memoryMiB();
        count++;
        if (a.antiAffinityGroup() != null) {
          groups.add(a.antiAffinityGroup());
        }
      }
    }
    return count == 0 ? HostAllocation.EMPTY : new HostAllocation(vcpus, memory, count, groups);
  }
}
