package io.novacron.operator.migration;

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
import io.novacron.crds.migration.Migration;
import io.novacron.crds.migration.MigrationStatus;
import io.novacron.crds.migration.MigrationStatus.Phase;
import io.novacron.crds.nodepool.HostSpec;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.nodepool.RebalancingSpec;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.operator.admission.PolicyGate;
import io.novacron.operator.kube.SpecProblems;
import io.novacron.operator.libvirt.HostUnreachableException;
import io.novacron.operator.libvirt.LibvirtOperationException;
import io.novacron.operator.migration.MigrationQueue.Limits;
import io.novacron.operator.migration.MigrationQueue.Verdict;
import io.novacron.operator.placement.PlacementDecision;
import io.novacron.operator.vm.VmPlacement;
import io.novacron.policy.MigrationValidator;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Carries each Migration through its phases: (new) → Pending (checked; waiting for a slot under the
 * pool's limits) → Scheduling (admitted; target chosen) → Running (libvirt moving the guest) →
 * Succeeded, Failed or Cancelled. The move itself is {@link MigrationRunner}'s; deleting a running
 * Migration aborts it first.
 */
public final class MigrationReconciler implements Reconciler<Migration>, Cleaner<Migration> {
  private static final Duration WAIT_POLL = Duration.ofSeconds(2);
  private static final Duration RUNNING_POLL = Duration.ofMillis(500);

  private final VmPlacement placement;
  private final PolicyGate policy;
  private final MigrationAdmissions admissions = new MigrationAdmissions();
  private final MigrationJobs jobs;
  private final MigrationRunner runner;
  private final MigrationRecorder recorder;
  private final MigrationHistory history;
  private final Clock clock;
  private InformerEventSource<NodePool, Migration> pools;

  public MigrationReconciler(
      VmPlacement placement,
      MigrationJobs jobs,
      MigrationSettings settings,
      MigrationHistory history,
      PolicyGate policy,
      Clock clock) {
    this.placement = placement;
    this.policy = policy;
    this.jobs = jobs;
    this.recorder = new MigrationRecorder(settings.conditions(), settings.events());
    this.runner =
        new MigrationRunner(
            settings.hosts(),
            jobs,
            recorder,
            clock,
            settings.timeoutPerGiB(),
            settings.progressTimeout(),
            settings.progressInterval(),
            settings.shutdownGracePeriod());
    this.history = history;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, Migration>> prepareEventSources(
      EventSourceContext<Migration> context) {
    var vms =
        InformerEventSourceConfiguration.from(VirtualMachine.class, Migration.class)
            .withPrimaryToSecondaryMapper(
                (Migration m) ->
                    m.getSpec() == null || m.getSpec().vmName == null
                        ? Set.<ResourceID>of()
                        : Set.of(
                            new ResourceID(m.getSpec().vmName, m.getMetadata().getNamespace())))
            .withSecondaryToPrimaryMapper(vm -> Set.of())
            .build();
    var poolConfig =
        InformerEventSourceConfiguration.from(NodePool.class, Migration.class)
            .withPrimaryToSecondaryMapper(
                (Migration m) ->
                    m.getStatus() == null || m.getStatus().nodePool == null
                        ? Set.<ResourceID>of()
                        : Set.of(new ResourceID(m.getStatus().nodePool)))
            .withSecondaryToPrimaryMapper(pool -> Set.of())
            .build();
    this.pools = new InformerEventSource<>(poolConfig, context);
    return List.of(new InformerEventSource<>(vms, context), pools);
  }

  @Override
  public UpdateControl<Migration> reconcile(Migration m, Context<Migration> context) {
    List<String> statusUnknown = SpecProblems.unknownStatusValues(m, context.getClient());
    if (!statusUnknown.isEmpty()) {
      // A newer operator got this far and wrote a state this one cannot follow. Taken as a new
      // Migration (its phase reads as unset) it would be checked and started again: the VM could
      // move twice. It is left as it is.
      recorder.statusNotUnderstood(m, String.join("; ", statusUnknown));
      return UpdateControl.noUpdate();
    }
    MigrationStatus s = statusOf(m);
    if (s.phase != null && isFinished(s.phase)) {
      admissions.release(m.getMetadata().getUid());
      return UpdateControl.noUpdate();
    }
    s.observedGeneration = m.getMetadata().getGeneration();
    Optional<VirtualMachine> vm = context.getSecondaryResource(VirtualMachine.class);
    try {
      if (s.phase == null) {
        return check(m, vm, context);
      }
      return switch (s.phase) {
        case Pending -> admit(m, context);
        case Scheduling -> startMove(m, vm);
        default -> watch(m);
      };
    } catch (HostUnreachableException | LibvirtOperationException e) {
      if (s.phase == Phase.Running) {
        s.message = "cannot reach a host to follow the move: " + e.getMessage();
        return UpdateControl.patchStatus(m).rescheduleAfter(WAIT_POLL);
      }
      return finish(m, () -> recorder.failed(m, "HostUnavailable", e.getMessage()));
    }
  }

  /** A new Migration: is it possible at all? */
  private UpdateControl<Migration> check(
      Migration m, Optional<VirtualMachine> vm, Context<Migration> context) {
    List<String> problems =
        SpecProblems.of(m, context.getClient(), () -> MigrationValidator.problems(m.getSpec()));
    if (!problems.isEmpty()) {
      return finish(m, () -> recorder.failed(m, "InvalidSpec", String.join("; ", problems)));
    }
    Optional<String> notYet = MigrationChecks.vmNotStartedYet(m.getSpec(), vm);
    if (notYet.isPresent()) {
      recorder.waiting(m, "WaitingForVm", notYet.get());
      m.getStatus().phase = null;
      return UpdateControl.patchStatus(m).rescheduleAfter(WAIT_POLL);
    }
    Optional<NodePool> pool = vm.flatMap(v -> poolOf(v.getSpec().nodePool));
    Optional<String> problem =
        MigrationChecks.vmProblem(m.getSpec(), m.getMetadata().getNamespace(), vm, pool);
    if (problem.isPresent()) {
      return finish(m, () -> recorder.failed(m, "InvalidRequest", problem.get()));
    }
    Optional<String> notUnderstood =
        SpecProblems.poolNotUnderstood(pool.get(), context.getClient());
    if (notUnderstood.isPresent()) {
      return finish(m, () -> recorder.failed(m, "NodePoolNotUnderstood", notUnderstood.get()));
    }
    Optional<String> refusal = policy.creationRefusal(m);
    if (refusal.isPresent()) {
      return finish(m, () -> recorder.failed(m, "PolicyDenied", refusal.get()));
    }
    MigrationStatus s = m.getStatus();
    s.nodePool = pool.get().getMetadata().getName();
    s.sourceHost = vm.get().getStatus().host;
    s.vmUid = vm.get().getMetadata().getUid();
    s.targetHost = m.getSpec().targetHost;
    recorder.accepted(m);
    return admit(m, context);
  }

  /** Pending: start when no other move of the VM is ahead and the pool's limits allow. */
  private UpdateControl<Migration> admit(Migration m, Context<Migration> context) {
    if (Boolean.TRUE.equals(m.getSpec().cancel)) {
      return finish(m, () -> recorder.cancelled(m, "cancelled before it started"));
    }
    List<Migration> all = context.getPrimaryCache().list().toList();
    Optional<Migration> ahead = aheadForSameVm(m, all);
    if (ahead.isPresent()) {
      recorder.waiting(
          m,
          "WaitingForVm",
          "Migration "
              + ahead.get().getMetadata().getName()
              + " of the same VM comes first; one Migration per VM at a time");
      return UpdateControl.patchStatus(m).rescheduleAfter(WAIT_POLL);
    }
    Optional<NodePool> pool = poolOf(m.getStatus().nodePool);
    if (pool.isEmpty()) {
      return finish(
          m,
          () ->
              recorder.failed(
                  m, "InvalidRequest", "NodePool " + m.getStatus().nodePool + " is gone"));
    }
    Verdict verdict = admissions.tryAdmit(m, all, limits(pool.get()), clock.instant());
    if (!verdict.admit()) {
      recorder.waiting(m, "WaitingForSlot", verdict.reason());
      return UpdateControl.patchStatus(m).rescheduleAfter(WAIT_POLL);
    }
    m.getStatus().startTime = clock.instant().toString();
    recorder.admitted(m);
    // the VM's reconciler must see this phase (the VM is Migrating) before the move begins
    return UpdateControl.patchStatus(m).rescheduleAfter(RUNNING_POLL);
  }

  /** Scheduling: choose or check the target host, then start the move. */
  private UpdateControl<Migration> startMove(Migration m, Optional<VirtualMachine> vm) {
    MigrationStatus s = m.getStatus();
    if (jobs.get(m.getMetadata().getUid()).isPresent()) {
      // started before, but the status write saying so failed: follow that move, never a second
      s.phase = Phase.Running;
      return watch(m);
    }
    if (Boolean.TRUE.equals(m.getSpec().cancel)) {
      return finish(m, () -> recorder.cancelled(m, "cancelled before it started"));
    }
    Optional<NodePool> pool = poolOf(s.nodePool);
    if (vm.isEmpty() || pool.isEmpty() || !s.sourceHost.equals(vm.get().getStatus().host)) {
      return finish(
          m,
          () ->
              recorder.failed(
                  m, "InvalidRequest", "the VM or its pool changed or went away before the move"));
    }
    PlacementDecision target = placement.chooseTarget(vm.get(), pool.get(), m.getSpec().targetHost);
    if (target.host().isEmpty()) {
      String why =
          m.getSpec().targetHost == null
              ? target.explanation()
              : "target host "
                  + m.getSpec().targetHost
                  + " cannot take the VM: "
                  + target.rejections().get(m.getSpec().targetHost);
      return finish(m, () -> recorder.failed(m, "NoTarget", why));
    }
    s.targetHost = target.host().get();
    runner.start(
        m,
        vm.get(),
        uri(pool.get(), s.sourceHost),
        uri(pool.get(), s.targetHost),
        pool.get().getSpec().storage,
        pool.get().getSpec().migrationDefaults);
    recorder.started(m);
    return UpdateControl.patchStatus(m).rescheduleAfter(RUNNING_POLL);
  }

  /** Running: follow the move. */
  private UpdateControl<Migration> watch(Migration m) {
    MigrationStatus s = m.getStatus();
    Optional<NodePool> pool = poolOf(s.nodePool);
    if (pool.isEmpty()) {
      s.message = "NodePool " + s.nodePool + " is gone; cannot follow the move";
      return UpdateControl.patchStatus(m).rescheduleAfter(WAIT_POLL);
    }
    return switch (runner.look(
        m, s.vmUid, uri(pool.get(), s.sourceHost), uri(pool.get(), s.targetHost))) {
      case UNCHANGED -> UpdateControl.<Migration>noUpdate().rescheduleAfter(RUNNING_POLL);
      case PROGRESSED -> UpdateControl.patchStatus(m).rescheduleAfter(RUNNING_POLL);
      case ENDED -> finish(m, () -> {});
    };
  }

  /** Records the final phase (set by {@code end}), frees the slot and stores the history row. */
  private UpdateControl<Migration> finish(Migration m, Runnable end) {
    end.run();
    if (m.getStatus().completionTime == null) {
      m.getStatus().completionTime = clock.instant().toString();
    }
    admissions.release(m.getMetadata().getUid());
    jobs.forget(m.getMetadata().getUid());
    if (m.getStatus().vmUid != null) {
      history.record(m);
    }
    return UpdateControl.patchStatus(m);
  }

  @Override
  public DeleteControl cleanup(Migration m, Context<Migration> context) {
    String uid = m.getMetadata().getUid();
    MigrationStatus s = statusOf(m);
    Optional<NodePool> pool = poolOf(s.nodePool);
    boolean moving = jobs.get(uid).isPresent() || s.phase == Phase.Running;
    if (moving && pool.isPresent()) {
      // cancel the move, wait for libvirt to end it, then record how it ended
      m.getSpec().cancel = true;
      MigrationRunner.Look look =
          runner.look(m, s.vmUid, uri(pool.get(), s.sourceHost), uri(pool.get(), s.targetHost));
      if (look != MigrationRunner.Look.ENDED) {
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(RUNNING_POLL);
      }
      finish(m, () -> {});
    }
    jobs.forget(uid);
    admissions.release(uid);
    return DeleteControl.defaultDelete();
  }

  private static Optional<Migration> aheadForSameVm(Migration m, List<Migration> all) {
    Comparator<Migration> order =
        Comparator.comparing((Migration x) -> x.getMetadata().getCreationTimestamp())
            .thenComparing(x -> x.getMetadata().getName());
    return all.stream()
        .filter(x -> !x.getMetadata().getUid().equals(m.getMetadata().getUid()))
        .filter(x -> x.getMetadata().getNamespace().equals(m.getMetadata().getNamespace()))
        .filter(x -> x.getSpec() != null && m.getSpec().vmName.equals(x.getSpec().vmName))
        .filter(x -> x.getStatus() != null && x.getStatus().phase != null)
        .filter(x -> !isFinished(x.getStatus().phase))
        .filter(x -> x.getStatus().phase != Phase.Pending || order.compare(x, m) < 0)
        .findFirst();
  }

  private static Limits limits(NodePool pool) {
    RebalancingSpec.MigrationLimits l =
        pool.getSpec().rebalancing == null
            ? new RebalancingSpec.MigrationLimits()
            : pool.getSpec().rebalancing.limits;
    return new Limits(l.perHost, l.perPool, l.perHour);
  }

  private Optional<NodePool> poolOf(String name) {
    return name == null ? Optional.empty() : pools.get(new ResourceID(name));
  }

  private static String uri(NodePool pool, String host) {
    return pool.getSpec().hosts.stream()
        .filter((HostSpec h) -> h.name.equals(host))
        .findFirst()
        .map(h -> h.uri)
        .orElseThrow(
            () ->
                new LibvirtOperationException(
                    "host " + host + " is no longer in NodePool " + pool.getMetadata().getName(),
                    null));
  }

  private static boolean isFinished(Phase phase) {
    return phase == Phase.Succeeded || phase == Phase.Failed || phase == Phase.Cancelled;
  }

  private static MigrationStatus statusOf(Migration m) {
    if (m.getStatus() == null) {
      m.setStatus(new MigrationStatus());
    }
    return m.getStatus();
  }
}
