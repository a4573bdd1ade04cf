package io.novacron.operator.metrics;

import io.novacron.operator.libvirt.DomainCounters;
import io.novacron.operator.libvirt.HostCounters;
import io.novacron.operator.metrics.KnownHosts.PoolHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns two successive counter readings of a domain (or host) into rates. Pure. A restarted domain
 * (new run ID) or any counter that went backwards yields no sample for that interval rather than a
 * negative or huge rate; the next interval measures from the new counters. (A migrated domain's
 * readings on two hosts never meet here: the collector starts afresh on the new host.)
 */
public final class RateCalculator {
  private static final double NANOS_PER_SECOND = 1e9;

  private RateCalculator() {}

  public static Optional<VmSample> rates(DomainCounters previous, DomainCounters current) {
    if (previous == null || previous.runId() != current.runId()) {
      return Optional.empty();
    }
    double seconds = Duration.between(previous.at(), current.at()).toNanos() / NANOS_PER_SECOND;
    if (seconds <= 0 || wentBackwards(previous, current)) {
      return Optional.empty();
    }
    int vcpus = Math.max(1, current.vcpuTimeNanos().length);
    List<Double> perVcpu = new ArrayList<>();
    for (int i = 0; i < current.vcpuTimeNanos().length; i++) {
      long before = i < previous.vcpuTimeNanos().length ? previous.vcpuTimeNanos()[i] : 0;
      perVcpu.add(percent(current.vcpuTimeNanos()[i] - before, seconds));
    }
    // The guest's own view: what it can use minus what it leaves unused. (The balloon size is
    // the host's allocation; inflated balloon pages still count in the guest's total.)
    boolean reported = current.availableKiB() >= 0 && current.unusedKiB() >= 0;
    Long used = reported ? Math.max(0, current.availableKiB() - current.unusedKiB()) * 1024 : null;
    Long available = current.availableKiB() >= 0 ? current.availableKiB() * 1024 : null;
    return Optional.of(
        new VmSample(
            current.uuid(),
            current.at(),
            Math.min(
                100.0, percent(current.cpuTimeNanos() - previous.cpuTimeNanos(), seconds) / vcpus),
            perVcpu,
            used,
            available,
            current.balloonKiB() * 1024,
            current.rssKiB() >= 0 ? current.rssKiB() * 1024 : null,
            rate(previous.diskReadBytes(), current.diskReadBytes(), seconds),
            rate(previous.diskWriteBytes(), current.diskWriteBytes(), seconds),
            rate(previous.diskReadOps(), current.diskReadOps(), seconds),
            rate(previous.diskWriteOps(), current.diskWriteOps(), seconds),
            rate(previous.netRxBytes(), current.netRxBytes(), seconds),
            rate(previous.netTxBytes(), current.netTxBytes(), seconds)));
  }

  /**
   * A host's sample from two successive readings; CPU is null when either reading has no CPU times
   * or they went backwards (host rebooted).
   */
  public static HostSample hostRates(HostCounters previous, HostCounters current, PoolHost host) {
    Double cpu = null;
    if (previous.cpu() != null && current.cpu() != null) {
      long busy = current.cpu().busyNanos() - previous.cpu().busyNanos();
      long total = current.cpu().totalNanos() - previous.cpu().totalNanos();
      if (busy >= 0 && total > 0) {
        cpu = Math.min(100.0, 100.0 * busy / total);
      }
    }
    return new HostSample(
        host.pool(),
        host.host(),
        current.at(),
        cpu,
        current.memoryFreeBytes(),
        current.memoryTotalBytes());
  }

  private static boolean wentBackwards(DomainCounters p, DomainCounters c) {
    return c.cpuTimeNanos() < p.cpuTimeNanos()
        || c.diskReadBytes() < p.diskReadBytes()
        || c.diskWriteBytes() < p.diskWriteBytes()
        || c.diskReadOps() < p.diskReadOps()
        || c.diskWriteOps() < p.diskWriteOps()
        || c.netRxBytes() < p.netRxBytes()
        || c.netTxBytes() < p.netTxBytes();
  }

  /** CPU nanoseconds used over {@code seconds}, as percent of one CPU, clamped to 0-100. */
  private static double percent(long cpuNanos, double seconds) {
    return Math.max(0.0, Math.min(100.0, cpuNanos / NANOS_PER_SECOND / seconds * 100.0));
  }

  private static double rate(long before, long after, double seconds) {
    return (after - before) / seconds;
  }
}
