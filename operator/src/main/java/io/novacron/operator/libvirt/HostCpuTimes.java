package io.novacron.operator.libvirt;

/** Cumulative CPU nanoseconds of a host: spent busy, and in all (busy + idle + iowait). */
public record HostCpuTimes(long busyNanos, long totalNanos) {}
