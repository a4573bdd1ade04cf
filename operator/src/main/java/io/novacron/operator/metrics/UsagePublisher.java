package io.novacron.operator.metrics;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.operator.kube.VmStatusEdit;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a VM's latest usage into its status at a bounded rate: when it changed significantly (CPU
 * by 10 points, memory used or resident by 10 %, the balloon resized) or when the last write is
 * older than the refresh interval; never once per sample.
 */
public final class UsagePublisher implements SampleSink {
  static final double CPU_POINTS = 10.0;
  static final double MEMORY_FRACTION = 0.10;
  private static final Logger log = LoggerFactory.getLogger(UsagePublisher.class);

  private final KubernetesClient client;
  private final Duration refresh;
  private final Map<String, VmSample> lastWritten = new ConcurrentHashMap<>();

  public UsagePublisher(KubernetesClient client, Duration refresh) {
    this.client = client;
    this.refresh = refresh;
  }

  /** Writes the sample into the VM's status if it is worth a write. */
  @Override
  public void accept(RunningVm vm, VmSample sample) {
    VmSample last = lastWritten.get(sample.vmUid());
    if (!worthWriting(last, sample, refresh)) {
      return;
    }
    try {
      VmStatusEdit.apply(
          client, vm.namespace(), vm.name(), current -> current.getStatus().usage = usage(sample));
      lastWritten.put(sample.vmUid(), sample);
    } catch (KubernetesClientException e) {
      log.warn("Could not write usage of {}/{}: {}", vm.namespace(), vm.name(), e.getMessage());
    }
  }

  /** Forgets VMs that no longer run. */
  @Override
  public void retainOnly(Set<String> vmUids) {
    lastWritten.keySet().retainAll(vmUids);
  }

  static boolean worthWriting(VmSample last, VmSample now, Duration refresh) {
    if (last == null || !now.at().isBefore(last.at().plus(refresh))) {
      return true;
    }
    if (Math.abs(now.cpuPercent() - last.cpuPercent()) >= CPU_POINTS) {
      return true;
    }
    return last.memoryBalloonBytes() != now.memoryBalloonBytes()
        || memoryMoved(last.memoryUsedBytes(), now.memoryUsedBytes())
        || memoryMoved(last.memoryRssBytes(), now.memoryRssBytes());
  }

  private static boolean memoryMoved(Long before, Long now) {
    if (before == null || now == null) {
      return !Objects.equals(before, now);
    }
    return before == 0 ? now != 0 : Math.abs(now - before) >= MEMORY_FRACTION * before;
  }

  static VirtualMachineStatus.Usage usage(VmSample s) {
    VirtualMachineStatus.Usage u = new VirtualMachineStatus.Usage();
    u.cpuPercent = round(s.cpuPercent());
    u.vcpuPercent = s.vcpuPercent().stream().map(UsagePublisher::round).toList();
    u.memoryUsedBytes = s.memoryUsedBytes();
    u.memoryAvailableBytes = s.memoryAvailableBytes();
    u.memoryBalloonBytes = s.memoryBalloonBytes();
    u.memoryRssBytes = s.memoryRssBytes();
    u.diskReadBytesPerSecond = round(s.diskReadBytesPerSecond());
    u.diskWriteBytesPerSecond = round(s.diskWriteBytesPerSecond());
    u.diskReadOpsPerSecond = round(s.diskReadOpsPerSecond());
    u.diskWriteOpsPerSecond = round(s.diskWriteOpsPerSecond());
    u.networkRxBytesPerSecond = round(s.networkRxBytesPerSecond());
    u.networkTxBytesPerSecond = round(s.networkTxBytesPerSecond());
    u.sampledAt = s.at().truncatedTo(ChronoUnit.SECONDS).toString();
    return u;
  }

  private static double round(double v) {
    return Math.round(v * 10.0) / 10.0;
  }
}
