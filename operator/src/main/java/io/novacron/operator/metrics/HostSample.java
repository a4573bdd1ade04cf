package io.novacron.operator.metrics;

import java.time.Instant;

/** One host's usage over one sampling interval; CPU is null when its driver reports no times. */
public record HostSample(
    String pool,
    String host,
    Instant at,
    Double cpuPercent,
    long memoryFreeBytes,
    long memoryTotalBytes)
    implements Sample {}
