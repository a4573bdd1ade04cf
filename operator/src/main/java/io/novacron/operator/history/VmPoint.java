package io.novacron.operator.history;

import java.time.Instant;

/**
 * One step of a VM's history: averages (and CPU and memory maxima) over the step. Memory is null
 * where the guest reported none.
 */
public record VmPoint(
    Instant t,
    int samples,
    double cpuPercentAvg,
    double cpuPercentMax,
    Double memoryUsedBytesAvg,
    Long memoryUsedBytesMax,
    double diskReadBytesPerSecond,
    double diskWriteBytesPerSecond,
    double networkRxBytesPerSecond,
    double networkTxBytesPerSecond) {}
