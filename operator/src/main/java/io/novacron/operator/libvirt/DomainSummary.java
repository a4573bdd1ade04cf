package io.novacron.operator.libvirt;

/** A domain defined or running on a host. */
public record DomainSummary(String uuid, String name) {}
