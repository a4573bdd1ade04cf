package io.novacron.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.novacron.operator.metrics.RunningVms.RunningVm;

/** Counts the samples the collector takes, by kind, for {@code /metrics}. */
public final class CollectedSamples implements SampleSink {
  private final Counter vms;
  private final Counter hosts;

  public CollectedSamples(MeterRegistry meters) {
    this.vms = collected(meters, "vm");
    this.hosts = collected(meters, "host");
  }

  private static Counter collected(MeterRegistry meters, String kind) {
    return Counter.builder("novacron.samples.collected")
        .description("Samples taken by the collector")
        .tag("kind", kind)
        .register(meters);
  }

  @Override
  public void accept(RunningVm vm, VmSample sample) {
    vms.increment();
  }

  @Override
  public void acceptHost(HostSample sample) {
    hosts.increment();
  }
}
