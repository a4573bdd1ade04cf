package io.novacron.operator.forecast;

import io.novacron.operator.metrics.VmSample;

/**
 * What is forecast, each as a percentage on its own 0-100 scale: CPU of the VM's vCPUs, memory of
 * what the guest has available, and throughput (network received + sent, disk read + written) on a
 * log scale, {@code 10 × log10(1 + bytes/s)}. Throughput has no capacity to divide by and spans
 * orders of magnitude from one VM to the next; on that scale 0-100 covers 0 B/s to 10 GB/s and one
 * model learns relative changes for quiet and busy VMs alike.
 */
public enum Resource {
  CPU,
  MEMORY,
  NETWORK,
  DISK;

  /** This resource's value in a sample, in percent; NaN when the sample does not tell. */
  public double percentOf(VmSample s) {
    return switch (this) {
      case CPU -> s.cpuPercent();
      case MEMORY -> memoryPercent(s.memoryUsedBytes(), s.memoryAvailableBytes());
      case NETWORK -> throughputPercent(s.networkRxBytesPerSecond() + s.networkTxBytesPerSecond());
      case DISK -> throughputPercent(s.diskReadBytesPerSecond() + s.diskWriteBytesPerSecond());
    };
  }

  /** Used of available memory, in percent; NaN when the guest does not report it. */
  public static double memoryPercent(Long used, Long available) {
    return used == null || available == null || available <= 0
        ? Double.NaN
        : 100.0 * used / available;
  }

  /** A value within the 0-100 % every resource's scale spans: no forecast may claim more. */
  public static double clip(double percent) {
    return Math.max(0, Math.min(100, percent));
  }

  public static double throughputPercent(double bytesPerSecond) {
    return 10 * Math.log10(1 + Math.max(0, bytesPerSecond));
  }

  /** Bytes per second from {@link #throughputPercent}. */
  public static double bytesPerSecond(double throughputPercent) {
    return Math.pow(10, throughputPercent / 10) - 1;
  }
}
