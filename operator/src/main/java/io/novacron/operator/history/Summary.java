package io.novacron.operator.history;

import java.time.Instant;
import java.util.List;

/** The dashboard view of a set of VMs over a window. */
public record Summary(
    Instant from,
    Instant to,
    String resolution,
    int vmCount,
    Double avgCpuPercent,
    Long maxMemoryUsedBytes,
    List<TopVm> topByCpu) {

  /** One of the busiest VMs; names are null for a VM the inventory does not know. */
  public record TopVm(
      String uid,
      String namespace,
      String name,
      String pool,
      String host,
      double avgCpuPercent,
      double maxCpuPercent,
      Long maxMemoryUsedBytes) {}
}
