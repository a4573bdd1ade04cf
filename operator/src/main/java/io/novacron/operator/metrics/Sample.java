package io.novacron.operator.metrics;

import java.time.Instant;

/** A sample for the metric history: of a VM or of a host. */
public sealed interface Sample permits VmSample, HostSample {
  Instant at();
}
