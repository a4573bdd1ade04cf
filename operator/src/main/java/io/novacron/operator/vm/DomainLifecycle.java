package io.novacron.operator.vm;

import io.novacron.crds.vm.RunStrategy;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.crds.vm.VirtualMachineStatus.Phase;
import io.novacron.operator.domain.DomainNames;
import io.novacron.operator.domain.DomainXmlRenderer;
import io.novacron.operator.domain.RestartFingerprint;
import io.novacron.operator.libvirt.DomainPower;
import io.novacron.operator.libvirt.DomainPower.State;
import io.novacron.operator.libvirt.DomainRuntime;
import io.novacron.operator.libvirt.LibvirtHost;
import io.novacron.operator.libvirt.LibvirtOperationException;
import io.novacron.policy.VmResources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Brings a placed VM's domain to the state its spec asks for, on its host. */
public final class DomainLifecycle {
  /** Whether the domain has reached the state asked for. */
  enum Outcome {
    SETTLED,
    /** Still moving (e.g. shutting down): look again soon. */
    TRANSITIONING,
    /** The host refused (e.g. a boot file is missing): retry later. */
    FAILED
  }

  private final DomainXmlRenderer renderer;
  private final VmStatusRecorder recorder;
  private final Duration defaultGracePeriod;
  private final Clock clock;

  public DomainLifecycle(
      DomainXmlRenderer renderer,
      VmStatusRecorder recorder,
      Duration defaultGracePeriod,
      Clock clock) {
    this.renderer = renderer;
    this.recorder = recorder;
    this.defaultGracePeriod = defaultGracePeriod;
    this.clock = clock;
  }

  /** {@code domain}: the VM's domain on {@code host} as just read, or empty when it has none. */
  Outcome converge(VirtualMachine vm, LibvirtHost host, Optional<DomainRuntime> domain) {
    VirtualMachineStatus status = vm.getStatus();
    String uuid = DomainNames.domainUuid(vm);
    Instant now = clock.instant();
    Instant stopRequestedAt =
        status.stopRequestedAt == null ? null : Instant.parse(status.stopRequestedAt);
    PowerAction action =
        RunStrategyPolicy.decide(
            vm.getSpec().runStrategy,
            domain.map(DomainRuntime::power),
            !status.bootConfig.isEmpty(),
            stopRequestedAt,
            gracePeriod(vm),
            now);
    switch (action) {
      case START:
        return start(vm, host, domain);
      case SHUTDOWN:
        host.shutdown(uuid);
        status.stopRequestedAt = now.toString();
        recorder.notReady(
            vm, Phase.Stopping, "Stopping", "asked the guest to shut down (runStrategy Halted)");
        return Outcome.TRANSITIONING;
      case DESTROY:
        host.destroy(uuid);
        recorder.warning(
            vm,
            "ForcedOff",
            "guest did not shut down within " + gracePeriod(vm).toSeconds() + "s; forced off");
        recorder.notReady(vm, Phase.Stopped, "Halted", "forced off after the grace period");
        return Outcome.SETTLED;
      default:
        return observe(vm, host, domain);
    }
  }

  private Outcome start(VirtualMachine vm, LibvirtHost host, Optional<DomainRuntime> before) {
    VirtualMachineStatus status = vm.getStatus();
    String uuid = DomainNames.domainUuid(vm);
    try {
      host.define(renderer.render(vm));
      host.start(uuid);
    } catch (LibvirtOperationException e) {
      recorder.notReady(
          vm,
          Phase.Failed,
          "StartFailed",
          "host " + status.host + " could not start the domain: " + e.getMessage());
      return Outcome.FAILED;
    }
    status.bootConfig = RestartFingerprint.of(vm.getSpec());
    status.stopRequestedAt = null;
    VmResources res = VmResources.of(vm.getSpec());
    status.resources = new VirtualMachineStatus.Resources(res.vcpus(), res.memoryMiB());
    if (before.isPresent()) {
      DomainPower p = before.get().power();
      recorder.normal(
          vm,
          "Restarted",
          "domain was "
              + describe(p)
              + "; restarted on host "
              + status.host
              + " (runStrategy "
              + vm.getSpec().runStrategy
              + ")");
    } else {
      recorder.normal(vm, "Started", "domain defined and started on host " + status.host);
    }
    recorder.running(vm, "domain running on host " + status.host);
    recorder.restartRequired(vm, List.of());
    return Outcome.SETTLED;
  }

  private Outcome observe(VirtualMachine vm, LibvirtHost host, Optional<DomainRuntime> domain) {
    VirtualMachineStatus status = vm.getStatus();
    if (domain.isEmpty()) {
      if (vm.getSpec().runStrategy == RunStrategy.Halted) {
        recorder.notReady(vm, Phase.Stopped, "Halted", "runStrategy is Halted");
      } else {
        recorder.notReady(
            vm,
            Phase.Stopped,
            "DomainMissing",
            "domain was removed outside NovaCron; runStrategy Manual leaves it");
      }
      return Outcome.SETTLED;
    }
    DomainRuntime d = domain.get();
    switch (d.power().state()) {
      case RUNNING -> {
        resizeLive(vm, host, d);
        recorder.running(vm, "domain running on host " + status.host);
      }
      case PAUSED -> recorder.notReady(vm, Phase.Running, "Paused", "domain is paused");
      case SHUTTING_DOWN -> {
        recorder.notReady(vm, Phase.Stopping, "Stopping", "domain is shutting down");
        return Outcome.TRANSITIONING;
      }
      default -> {
        String reason =
            switch (vm.getSpec().runStrategy) {
              case Halted -> "Halted";
              case RerunOnFailure -> "GuestShutdown";
              default -> "Stopped";
            };
        recorder.notReady(
            vm,
            Phase.Stopped,
            reason,
            "domain is " + describe(d.power()) + " (runStrategy " + vm.getSpec().runStrategy + ")");
      }
    }
    recorder.restartRequired(
        vm, RestartFingerprint.changed(status.bootConfig, RestartFingerprint.of(vm.getSpec())));
    return Outcome.SETTLED;
  }

  /** Applies vCPU and memory changes the running domain can take without a restart. */
  private void resizeLive(VirtualMachine vm, LibvirtHost host, DomainRuntime d) {
    VirtualMachineStatus status = vm.getStatus();
    Map<String, String> boot = status.bootConfig;
    if (boot.isEmpty() || status.resources == null) {
      return;
    }
    VmResources wanted = VmResources.of(vm.getSpec());
    int maxVcpus = Integer.parseInt(boot.getOrDefault("maxVcpus", "0"));
    long maxMemoryKiB = Long.parseLong(boot.getOrDefault("maxMemoryKiB", "0"));
    try {
      if (wanted.vcpus() != status.resources.vcpus && wanted.vcpus() <= maxVcpus) {
        host.setVcpus(d.uuid(), wanted.vcpus());
        recorder.normal(
            vm, "Resized", "vCPUs " + status.resources.vcpus + " -> " + wanted.vcpus() + " (live)");
        status.resources.vcpus = wanted.vcpus();
      }
      if (wanted.memoryMiB() != status.resources.memoryMiB && wanted.memoryKiB() <= maxMemoryKiB) {
        host.setMemoryKiB(d.uuid(), wanted.memoryKiB());
        recorder.normal(
            vm,
            "Resized",
            "memory " + status.resources.memoryMiB + "Mi -> " + wanted.memoryMiB() + "Mi (live)");
        status.resources.memoryMiB = wanted.memoryMiB();
      }
    } catch (LibvirtOperationException e) {
      recorder.warning(vm, "ResizeFailed", e.getMessage());
    }
  }

  /** Stops and undefines the VM's domain, if it exists. */
  void remove(VirtualMachine vm, LibvirtHost host) {
    String uuid = DomainNames.domainUuid(vm);
    Optional<DomainRuntime> domain = host.domain(uuid);
    if (domain.isEmpty()) {
      return;
    }
    if (domain.get().power().state() != State.SHUT_OFF) {
      host.destroy(uuid);
    }
    host.undefine(uuid);
    recorder.normal(vm, "Deleted", "domain " + domain.get().name() + " removed from its host");
  }

  private Duration gracePeriod(VirtualMachine vm) {
    Integer seconds = vm.getSpec().shutdownGracePeriodSeconds;
    return seconds == null ? defaultGracePeriod : Duration.ofSeconds(seconds);
  }

  private static String describe(DomainPower p) {
    return p.state() == State.SHUT_OFF
        ? "shut off (" + p.stopReason().name().toLowerCase() + ")"
        : p.state().name().toLowerCase().replace('_', ' ');
  }
}
