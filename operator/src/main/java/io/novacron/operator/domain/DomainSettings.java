package io.novacron.operator.domain;

/** Operator-wide settings that shape every rendered domain. */
public record DomainSettings(String domainType, String consoleLogDir) {}
