package io.novacron.operator.migration;

import io.novacron.operator.kube.ConditionWriter;
import io.novacron.operator.kube.EventRecorder;
import io.novacron.operator.libvirt.HostConnections;
import java.time.Duration;

/** What the Migration reconciler needs from the operator: hosts, status writers, timeouts. */
public record MigrationSettings(
    HostConnections hosts,
    ConditionWriter conditions,
    EventRecorder events,
    Duration timeoutPerGiB,
    Duration progressTimeout,
    Duration progressInterval,
    Duration shutdownGracePeriod) {}
