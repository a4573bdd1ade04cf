package io.novacron.operator.libvirt;

import java.time.Instant;

/**
 * Cumulative counters of one running domain at one instant, as libvirt reports them. Rates come
 * from the difference of two of these; {@code runId} (libvirt's domain ID) changes when the domain
 * restarts, which resets every counter. Memory figures are -1 where libvirt reports none: unused
 * and available come from the guest's balloon driver, RSS (the QEMU process's resident memory) from
 * the host.
 */
public record DomainCounters(
    String uuid,
    int runId,
    Instant at,
    long cpuTimeNanos,
    long[] vcpuTimeNanos,
    long balloonKiB,
    long unusedKiB,
    long availableKiB,
    long rssKiB,
    long diskReadBytes,
    long diskWriteBytes,
    long diskReadOps,
    long diskWriteOps,
    long netRxBytes,
    long netTxBytes) {}
