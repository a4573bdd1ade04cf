package io.novacron.operator.libvirt;

import java.time.Instant;

/**
 * A host's CPU counters (null when its driver reports none) and memory at one instant; CPU % comes
 * from the difference of two of these.
 */
public record HostCounters(
    String uri, Instant at, HostCpuTimes cpu, long memoryFreeBytes, long memoryTotalBytes) {}
