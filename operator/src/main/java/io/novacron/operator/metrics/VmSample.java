package io.novacron.operator.metrics;

import java.time.Instant;
import java.util.List;

/**
 * One VM's usage over one sampling interval. Memory figures are null when the guest's balloon
 * driver does not report them.
 */
public record VmSample(
    String vmUid,
    Instant at,
    double cpuPercent,
    List<Double> vcpuPercent,
    Long memoryUsedBytes,
    Long memoryAvailableBytes,
    double diskReadBytesPerSecond,
    double diskWriteBytesPerSecond,
    double diskReadOpsPerSecond,
    double diskWriteOpsPerSecond,
    double networkRxBytesPerSecond,
    double networkTxBytesPerSecond)
    implements Sample {}
