package io.novacron.operator.metrics;

import io.novacron.operator.metrics.RunningVms.RunningVm;
import java.util.Set;

/** Receives every sample the collector takes. */
public interface SampleSink {
  void accept(RunningVm vm, VmSample sample);

  default void acceptHost(HostSample sample) {}

  /** Called each round with the VMs that still run, so per-VM state can be let go. */
  default void retainOnly(Set<String> runningVmUids) {}
}
