package io.novacron.operator.libvirt;

/** A domain's live state: power, vCPUs and memory (KiB) in use now. */
public record DomainRuntime(
    String uuid, String name, DomainPower power, int vcpus, long memoryKiB, long maxMemoryKiB) {}
