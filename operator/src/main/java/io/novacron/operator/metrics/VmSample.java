package io.novacron.operator.metrics;

import java.time.Instant;
import java.util.List;

/**
 * One VM's usage over one sampling interval. Memory used and available are null when the guest's
 * balloon driver does not report them; the balloon's current size is the memory the host gives the
 * guest now, and RSS the memory the VM's QEMU process holds on the host (null where libvirt reports
 * none), which is known whatever runs in the guest.
 */
public record VmSample(
    String vmUid,
    Instant at,
    double cpuPercent,
    List<Double> vcpuPercent,
    Long memoryUsedBytes,
    Long memoryAvailableBytes,
    long memoryBalloonBytes,
    Long memoryRssBytes,
    double diskReadBytesPerSecond,
    double diskWriteBytesPerSecond,
    double diskReadOpsPerSecond,
    double diskWriteOpsPerSecond,
    double networkRxBytesPerSecond,
    double networkTxBytesPerSecond)
    implements Sample {}
