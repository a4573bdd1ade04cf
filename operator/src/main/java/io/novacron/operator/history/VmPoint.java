package io.novacron.operator.history;

import java.time.Instant;

/**
 * One step of a VM's history: averages (and CPU and memory maxima) over the step. Memory used is
 * null where the guest reported none, RSS (the QEMU process's resident memory on its host) where
 * libvirt reported none.
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
    double networkTxBytesPerSecond,
    Double memoryRssBytesAvg,
    Long memoryRssBytesMax) {}
