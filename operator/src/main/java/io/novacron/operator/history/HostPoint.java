package io.novacron.operator.history;

import java.time.Instant;

/** One step of a host's history; CPU is null where the host reported no CPU times. */
public record HostPoint(
    Instant t,
    int samples,
    Double cpuPercentAvg,
    Double cpuPercentMax,
    long memoryFreeBytesMin,
    long memoryTotalBytes) {}
