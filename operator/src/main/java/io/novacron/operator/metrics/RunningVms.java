package io.novacron.operator.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The VMs whose domains run now and on which host, as the VirtualMachine reconciler last saw them;
 * the collector samples exactly these.
 */
public final class RunningVms {
  /** Where a running VM is: its resource, its pool and host, and the host's libvirt URI. */
  public record RunningVm(
      String uid, String namespace, String name, String pool, String host, String hostUri) {}

  private final Map<String, RunningVm> byUid = new ConcurrentHashMap<>();

  public void running(RunningVm vm) {
    byUid.put(vm.uid(), vm);
  }

  public void notRunning(String uid) {
    byUid.remove(uid);
  }

  /** Running VMs grouped by host URI, then by UID. */
  Map<String, Map<String, RunningVm>> byHost() {
    return byUid.values().stream()
        .collect(
            Collectors.groupingBy(RunningVm::hostUri, Collectors.toMap(RunningVm::uid, vm -> vm)));
  }
}
