package io.novacron.operator.vm;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.novacron.crds.common.Backend;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.migration.MigrationStatus;
import io.novacron.crds.nodepool.HostSpec;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.vm.RunStrategy;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.crds.vm.VirtualMachineStatus.Phase;
import io.novacron.operator.admission.PolicyGate;
import io.novacron.operator.domain.DomainNames;
import io.novacron.operator.kube.SpecProblems;
import io.novacron.operator.libvirt.DomainRuntime;
import io.novacron.operator.libvirt.HostConnections;
import io.novacron.operator.libvirt.HostUnreachableException;
import io.novacron.operator.libvirt.LibvirtHost;
import io.novacron.operator.libvirt.LibvirtOperationException;
import io.novacron.operator.metrics.RunningVms;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import io.novacron.operator.placement.PlacementDecision;
import io.novacron.policy.NodePoolValidator;
import io.novacron.policy.VirtualMachineValidator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps each VirtualMachine's libvirt domain in line with its spec: observe (pool, host, domain) →
 * validate → act (place, power, resize) → record status. The work is done by {@link VmPlacement}
 * and {@link DomainLifecycle}; {@link VmStatusRecorder} writes conditions and Events.
 */
public final class VirtualMachineReconciler
    implements Reconciler<VirtualMachine>, Cleaner<VirtualMachine> {

  private static final Duration TRANSITION_POLL = Duration.ofSeconds(2);

  private final HostConnections hosts;
  private final VmPlacement placement;
  private final DomainLifecycle lifecycle;
  private final VmStatusRecorder recorder;
  private final RunningVms running;
  private final PolicyGate policy;
  private final Duration pollInterval;
  private final Duration retryInterval;
  private final VmStatusWriter statusWriter = new VmStatusWriter(new KubernetesSerialization());
  private InformerEventSource<Migration, VirtualMachine> migrations;

  public VirtualMachineReconciler(
      HostConnections hosts,
      VmPlacement placement,
      DomainLifecycle lifecycle,
      VmStatusRecorder recorder,
      RunningVms running,
      PolicyGate policy,
      Duration pollInterval,
      Duration retryInterval) {
    this.hosts = hosts;
    this.placement = placement;
    this.lifecycle = lifecycle;
    this.recorder = recorder;
    this.running = running;
    this.policy = policy;
    this.pollInterval = pollInterval;
    this.retryInterval = retryInterval;
  }

  @Override
  public List<EventSource<?, VirtualMachine>> prepareEventSources(
      EventSourceContext<VirtualMachine> context) {
    var pools =
        InformerEventSourceConfiguration.from(NodePool.class, VirtualMachine.class)
            .withPrimaryToSecondaryMapper(
                (VirtualMachine vm) ->
                    vm.getSpec() == null || vm.getSpec().nodePool == null
                        ? Set.<ResourceID>of()
                        : Set.of(new ResourceID(vm.getSpec().nodePool)))
            .withSecondaryToPrimaryMapper(
                pool ->
                    context
                        .getPrimaryCache()
                        .list(
                            vm ->
                                vm.getSpec() != null
                                    && pool.getMetadata().getName().equals(vm.getSpec().nodePool))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    var migrationConfig =
        InformerEventSourceConfiguration.from(Migration.class, VirtualMachine.class)
            .withSecondaryToPrimaryMapper(
                (Migration m) ->
                    m.getSpec() == null || m.getSpec().vmName == null
                        ? Set.<ResourceID>of()
                        : Set.of(
                            new ResourceID(m.getSpec().vmName, m.getMetadata().getNamespace())))
            .build();
    this.migrations = new InformerEventSource<>(migrationConfig, context);
    return List.of(new InformerEventSource<>(pools, context), migrations);
  }

  /** The Migration moving this VM now (admitted or running), if any. */
  private Optional<Migration> activeMigration(VirtualMachine vm) {
    return migrations
        .list(
            vm.getMetadata().getNamespace(),
            m ->
                m.getSpec() != null
                    && vm.getMetadata().getName().equals(m.getSpec().vmName)
                    && m.getStatus() != null
                    && (m.getStatus().phase == MigrationStatus.Phase.Scheduling
                        || m.getStatus().phase == MigrationStatus.Phase.Running))
        .findFirst();
  }

  @Override
  public UpdateControl<VirtualMachine> reconcile(
      VirtualMachine vm, Context<VirtualMachine> context) {
    VirtualMachine startedFrom = statusWriter.snapshot(vm);
    Optional<NodePool> pool = context.getSecondaryResource(NodePool.class);
    Optional<Duration> lookAgain = converge(vm, pool, context);
    trackRunning(vm, pool);
    statusWriter.write(startedFrom, vm, context); // the status is written here, not by JOSDK
    UpdateControl<VirtualMachine> control = UpdateControl.noUpdate();
    lookAgain.ifPresent(control::rescheduleAfter);
    return control;
  }

  /** Tells the collector whether (and where) this VM runs now. */
  private void trackRunning(VirtualMachine vm, Optional<NodePool> pool) {
    VirtualMachineStatus status = vm.getStatus();
    Optional<String> uri =
        status.phase == Phase.Running && status.host != null
            ? pool.flatMap(p -> findHost(p, status.host)).map(h -> h.uri)
            : Optional.empty();
    if (uri.isPresent()) {
      running.running(
          new RunningVm(
              vm.getMetadata().getUid(),
              vm.getMetadata().getNamespace(),
              vm.getMetadata().getName(),
              vm.getSpec().nodePool,
              status.host,
              uri.get()));
    } else {
      running.notRunning(vm.getMetadata().getUid());
    }
  }

  /**
   * Brings the domain in line with the VM and fills in its status.
   *
   * @return when to look again; empty when only a change to the VM or its pool needs a look
   */
  private Optional<Duration> converge(
      VirtualMachine vm, Optional<NodePool> pool, Context<VirtualMachine> context) {
    VirtualMachineStatus status = statusOf(vm);
    status.observedGeneration = vm.getMetadata().getGeneration();
    status.domainName = DomainNames.domainName(vm);
    status.domainUuid = DomainNames.domainUuid(vm);

    List<String> problems =
        SpecProblems.of(
            vm, context.getClient(), () -> VirtualMachineValidator.problems(vm.getSpec()));
    if (!problems.isEmpty()) {
      recorder.invalid(vm, String.join("; ", problems));
      return Optional.empty();
    }
    if (vm.getSpec().backend == Backend.KubeVirt) {
      recorder.notReady(
          vm,
          Phase.Pending,
          "BackendNotSupported",
          "the KubeVirt backend is not implemented yet; use backend Libvirt");
      return Optional.empty();
    }
    if (pool.isEmpty()) {
      recorder.unscheduled(
          vm, "NodePoolNotFound", "NodePool '" + vm.getSpec().nodePool + "' does not exist");
      return Optional.of(retryInterval);
    }
    placement.learn(context.getPrimaryCache().list().toList());
    Optional<Migration> migration = activeMigration(vm);
    if (migration.isPresent()) {
      // the Migration owns the domain until it ends; starting or stopping it now would fight it
      status.migration = migration.get().getMetadata().getName();
      recorder.migrating(vm);
      return Optional.of(TRANSITION_POLL);
    }
    status.migration = null;

    if (status.host == null && !place(vm, pool.get(), context.getClient())) {
      return Optional.of(retryInterval);
    }
    if (status.host == null) {
      return Optional.empty(); // halted and never placed: nothing to watch
    }
    Optional<HostSpec> hostSpec = findHost(pool.get(), status.host);
    if (hostSpec.isEmpty()) {
      recorder.notReady(
          vm,
          Phase.Unknown,
          "HostRemoved",
          "host " + status.host + " is no longer in NodePool " + vm.getSpec().nodePool);
      return Optional.of(retryInterval);
    }
    try {
      LibvirtHost host = hosts.host(hostSpec.get().uri);
      Optional<DomainRuntime> domain = host.domain(DomainNames.domainUuid(vm));
      if (domain.isEmpty() && adoptMovedDomain(vm, pool.get())) {
        return Optional.of(Duration.ZERO);
      }
      Duration next =
          switch (lifecycle.converge(vm, host, domain)) {
            case SETTLED -> pollInterval;
            case TRANSITIONING -> TRANSITION_POLL;
            case FAILED -> retryInterval;
          };
      return Optional.of(next);
    } catch (HostUnreachableException e) {
      recorder.notReady(
          vm,
          Phase.Unknown,
          "HostUnreachable",
          "host " + status.host + " is unreachable: " + e.getMessage());
      return Optional.of(pollInterval);
    } catch (LibvirtOperationException e) {
      recorder.notReady(
          vm, Phase.Failed, "HostRefused", "host " + status.host + ": " + e.getMessage());
      return Optional.of(retryInterval);
    }
  }

  /**
   * The domain is not on the VM's host: if another host of the pool has it (a Migration moved it,
   * or an admin did), the VM follows it there rather than being started twice.
   */
  private boolean adoptMovedDomain(VirtualMachine vm, NodePool pool) {
    VirtualMachineStatus status = vm.getStatus();
    Optional<String> elsewhere = placement.findExistingDomain(vm, pool);
    if (elsewhere.isEmpty() || elsewhere.get().equals(status.host)) {
      return false;
    }
    String from = status.host;
    status.host = elsewhere.get();
    placement.record(vm, status.host);
    recorder.moved(vm, from, status.host);
    return true;
  }

  /**
   * Gives the VM a host: the one already holding its domain, else the planner's choice.
   *
   * @return false when no host could be found (the status says why)
   */
  private boolean place(VirtualMachine vm, NodePool pool, KubernetesClient client) {
    VirtualMachineStatus status = vm.getStatus();
    Optional<String> existing = placement.findExistingDomain(vm, pool);
    if (existing.isPresent()) {
      status.host = existing.get();
      placement.record(vm, status.host);
      recorder.scheduled(vm, "Adopted", "found its domain on host " + status.host);
      return true;
    }
    if (vm.getSpec().runStrategy == RunStrategy.Halted) {
      recorder.notReady(vm, Phase.Stopped, "Halted", "runStrategy is Halted; not placed");
      return true;
    }
    // a pool's spec says how its hosts are shared out: one not understood or invalid places
    // nothing new
    Optional<String> notUnderstood = SpecProblems.poolNotUnderstood(pool, client);
    if (notUnderstood.isPresent()) {
      recorder.unscheduled(vm, "NodePoolNotUnderstood", notUnderstood.get());
      return false;
    }
    List<String> poolProblems = NodePoolValidator.poolProblems(pool.getSpec());
    if (!poolProblems.isEmpty()) {
      recorder.unscheduled(
          vm,
          "NodePoolInvalid",
          "NodePool '"
              + pool.getMetadata().getName()
              + "' has an invalid spec: "
              + String.join("; ", poolProblems));
      return false;
    }
    Optional<String> refusal = policy.creationRefusal(vm);
    if (refusal.isPresent()) {
      recorder.unscheduled(vm, "PolicyDenied", refusal.get());
      return false;
    }
    PlacementDecision decision = placement.choose(vm, pool);
    if (decision.host().isEmpty()) {
      recorder.unscheduled(vm, "Unschedulable", decision.explanation());
      return false;
    }
    status.host = decision.host().get();
    status.phase = Phase.Scheduling;
    recorder.scheduled(vm, "Placed", "placed on host " + status.host);
    return true;
  }

  @Override
  public DeleteControl cleanup(VirtualMachine vm, Context<VirtualMachine> context) {
    running.notRunning(vm.getMetadata().getUid());
    VirtualMachineStatus status = statusOf(vm);
    Optional<NodePool> pool = context.getSecondaryResource(NodePool.class);
    Optional<String> hostName =
        Optional.ofNullable(status.host)
            .or(() -> pool.flatMap(p -> placement.findExistingDomain(vm, p)));
    if (hostName.isEmpty()) {
      placement.forget(vm);
      return DeleteControl.defaultDelete();
    }
    Optional<HostSpec> hostSpec = pool.flatMap(p -> findHost(p, hostName.get()));
    if (hostSpec.isEmpty()) {
      recorder.warning(
          vm,
          "DomainLeftBehind",
          "host "
              + hostName.get()
              + " is no longer in NodePool "
              + vm.getSpec().nodePool
              + "; its domain "
              + DomainNames.domainName(vm)
              + " could not be removed");
      placement.forget(vm);
      return DeleteControl.defaultDelete();
    }
    try {
      lifecycle.remove(vm, hosts.host(hostSpec.get().uri));
    } catch (HostUnreachableException | LibvirtOperationException e) {
      recorder.warning(
          vm,
          "CleanupBlocked",
          "cannot remove domain from host " + hostName.get() + ": " + e.getMessage());
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(retryInterval);
    }
    placement.forget(vm);
    return DeleteControl.defaultDelete();
  }

  private static Optional<HostSpec> findHost(NodePool pool, String name) {
    return pool.getSpec().hosts.stream().filter(h -> name.equals(h.name)).findFirst();
  }

  private static VirtualMachineStatus statusOf(VirtualMachine vm) {
    if (vm.getStatus() == null) {
      vm.setStatus(new VirtualMachineStatus());
    }
    return vm.getStatus();
  }
}
