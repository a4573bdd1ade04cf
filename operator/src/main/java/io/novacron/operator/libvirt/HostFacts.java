package io.novacron.operator.libvirt;

/** What a host reports about itself. */
public record HostFacts(String hostname, int cpus, long memoryMiB, long freeMemoryMiB) {}
