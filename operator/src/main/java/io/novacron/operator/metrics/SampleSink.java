package io.novacron.operator.metrics;

import io.novacron.operator.metrics.RunningVms.RunningVm;

/** Receives every sample the collector takes. */
@FunctionalInterface
public interface SampleSink {
  void accept(RunningVm vm, VmSample sample);
}
