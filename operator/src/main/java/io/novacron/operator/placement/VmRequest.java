package io.novacron.operator.placement;

import java.util.Map;

/** What a VM needs from a host. */
public record VmRequest(
    int vcpus,
    long memoryMiB,
    Map<String, String> hostSelector,
    String antiAffinityGroup,
    String pinnedHost) {}
