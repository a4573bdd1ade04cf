package io.novacron.operator.placement;

import java.util.Map;
import java.util.Set;

/**
 * What placement knows about one host: its readiness, labels, capacity, and what NovaCron has
 * already put on it.
 */
public record HostView(
    String name,
    boolean ready,
    String notReadyReason,
    boolean maintenance,
    Map<String, String> labels,
    int cpus,
    long memoryMiB,
    int allocatedVcpus,
    long allocatedMemoryMiB,
    Set<String> antiAffinityGroups) {}
