package io.novacron.operator.nodepool;

import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.novacron.crds.common.Conditions;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.nodepool.HostSpec;
import io.novacron.crds.nodepool.HostStatus;
import io.novacron.crds.nodepool.HostStatus.Resources;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.nodepool.NodePoolStatus;
import io.novacron.crds.nodepool.RebalancingSpec;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.operator.admission.PolicyGate;
import io.novacron.operator.kube.ConditionWriter;
import io.novacron.operator.kube.EventRecorder;
import io.novacron.operator.kube.SpecProblems;
import io.novacron.operator.libvirt.HostConnections;
import io.novacron.operator.metrics.KnownHosts;
import io.novacron.policy.Durations;
import io.novacron.policy.NodePoolValidator;
import io.novacron.policy.VmResources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Probes every host of a NodePool (in parallel, each call bounded by the libvirt timeout) and
 * records per-host readiness, capacity, allocation, health and unmanaged domains in its status.
 */
public final class NodePoolReconciler implements Reconciler<NodePool>, Cleaner<NodePool> {
  private static final Duration MIN_COOLDOWN = Duration.ofMinutes(15);

  private final HostProber prober;
  private final ConditionWriter conditions;
  private final EventRecorder events;
  private final ExecutorService probeExecutor;
  private final Set<String> vmNamespaces;
  private final Duration pollInterval;
  private final KnownHosts knownHosts;
  private final Clock clock;
  private final PoolRebalancer rebalancer;
  private final PoolMigrations automatic;
  private final PolicyGate policy;
  private InformerEventSource<Migration, NodePool> migrations;

  public NodePoolReconciler(
      HostConnections hosts,
      ConditionWriter conditions,
      EventRecorder events,
      ExecutorService probeExecutor,
      Set<String> vmNamespaces,
      Duration pollInterval,
      KnownHosts knownHosts,
      Clock clock,
      MeterRegistry meters,
      PolicyGate policy,
      Duration settleAfterMove) {
    this.prober = new HostProber(hosts);
    this.policy = policy;
    this.conditions = conditions;
    this.events = events;
    this.probeExecutor = probeExecutor;
    this.vmNamespaces = vmNamespaces;
    this.pollInterval = pollInterval;
    this.knownHosts = knownHosts;
    this.clock = clock;
    this.rebalancer = new PoolRebalancer(clock, meters);
    this.automatic = new PoolMigrations(events, clock, settleAfterMove);
  }

  @Override
  public List<EventSource<?, NodePool>> prepareEventSources(EventSourceContext<NodePool> context) {
    var builder =
        InformerEventSourceConfiguration.from(VirtualMachine.class, NodePool.class)
            .withSecondaryToPrimaryMapper(
                vm ->
                    vm.getSpec() == null || vm.getSpec().nodePool == null
                        ? Set.of()
                        : Set.of(new ResourceID(vm.getSpec().nodePool)));
    watchVmNamespaces(builder);
    var migrations =
        InformerEventSourceConfiguration.from(Migration.class, NodePool.class)
            .withSecondaryToPrimaryMapper(
                (Migration m) ->
                    m.getStatus() == null || m.getStatus().nodePool == null
                        ? Set.of()
                        : Set.of(new ResourceID(m.getStatus().nodePool)));
    watchVmNamespaces(migrations);
    this.migrations = new InformerEventSource<>(migrations.build(), context);
    return List.of(new InformerEventSource<>(builder.build(), context), this.migrations);
  }

  private void watchVmNamespaces(InformerEventSourceConfiguration.Builder<?> informer) {
    if (vmNamespaces.isEmpty()) {
      informer.withWatchAllNamespaces();
    } else {
      informer.withNamespaces(vmNamespaces);
    }
  }

  /** A pool that still has VMs keeps its finalizer: its VMs' domains would be orphaned. */
  @Override
  public DeleteControl cleanup(NodePool pool, Context<NodePool> context) {
    Optional<String> refusal = policy.deletionRefusal(pool);
    if (refusal.isPresent()) {
      events.warning(pool, "DeletionBlocked", refusal.get());
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(pollInterval);
    }
    return DeleteControl.defaultDelete();
  }

  @Override
  public UpdateControl<NodePool> reconcile(NodePool pool, Context<NodePool> context) {
    NodePool startedFrom = context.getClient().getKubernetesSerialization().clone(pool);
    NodePoolStatus previous = pool.getStatus() == null ? new NodePoolStatus() : pool.getStatus();
    NodePoolStatus status = new NodePoolStatus();
    status.conditions = new ArrayList<>(previous.conditions);
    pool.setStatus(status);
    Long generation = pool.getMetadata().getGeneration();
    status.observedGeneration = generation;

    List<String> problems =
        SpecProblems.of(
            pool, context.getClient(), () -> NodePoolValidator.poolProblems(pool.getSpec()));
    if (problems.isEmpty()) {
      conditions.set(
          status.conditions, Conditions.VALID, true, "Valid", "spec is valid", generation);
    } else if (conditions.set(
        status.conditions,
        Conditions.VALID,
        false,
        "InvalidSpec",
        String.join("; ", problems),
        generation)) {
      events.warning(pool, "InvalidSpec", String.join("; ", problems));
    }

    List<VirtualMachine> allVms = allVirtualMachines(context);
    Set<String> owned =
        allVms.stream().map(vm -> vm.getMetadata().getUid()).collect(Collectors.toSet());
    String poolName = pool.getMetadata().getName();
    List<VirtualMachine> placedHere =
        allVms.stream()
            .filter(vm -> vm.getSpec() != null && poolName.equals(vm.getSpec().nodePool))
            .filter(vm -> vm.getStatus() != null && vm.getStatus().host != null)
            .toList();

    knownHosts.pool(
        poolName,
        pool.getSpec().hosts.stream()
            .collect(Collectors.toMap(h -> h.name, h -> h.uri, (first, second) -> first)));
    List<CompletableFuture<HostStatus>> probes = new ArrayList<>();
    for (HostSpec host : pool.getSpec().hosts) {
      List<VirtualMachine> onHost =
          placedHere.stream().filter(vm -> host.name.equals(vm.getStatus().host)).toList();
      probes.add(
          CompletableFuture.supplyAsync(
              () ->
                  prober.probe(
                      host, pool.getSpec().overcommit, allocated(onHost), onHost.size(), owned),
              probeExecutor));
    }
    status.hosts = probes.stream().map(CompletableFuture::join).toList();
    PoolOutlook.forecastHosts(status.hosts, placedHere);
    status.imbalance = PoolOutlook.imbalance(status.hosts).orElse(null);
    PoolOutlook.exhaustion(status.hosts, placedHere, clock.instant())
        .ifPresentOrElse(
            e -> {
              status.capacityExhaustedAt = e.at().toString();
              status.capacityExhaustedResource = e.resource();
            },
            () -> status.capacityExhaustedAt = null);
    List<Migration> poolMigrations =
        migrations.list(m -> PoolMigrations.belongsTo(poolName, m)).toList();
    automatic.evacuate(pool, status.hosts, placedHere, poolMigrations, context.getClient());
    // an invalid spec (its Valid condition says why) gets no recommendations
    status.recommendations = List.of();
    if (problems.isEmpty() && pool.getSpec().rebalancing != null) {
      Instant lastRound = rebalancer.lastRound(poolName);
      status.recommendations =
          rebalancer.recommend(
              pool,
              status.hosts,
              placedHere,
              previous.recommendations,
              PoolMigrations.recentlyMoved(
                  poolMigrations, placedHere, clock.instant().minus(cooldown(pool))),
              context.getClient());
      boolean freshRound = !Objects.equals(lastRound, rebalancer.lastRound(poolName));
      if (freshRound && pool.getSpec().rebalancing.automation == RebalancingSpec.Automation.Full) {
        automatic.rebalance(
            pool, status.recommendations, placedHere, poolMigrations, context.getClient());
      }
    }
    summarize(pool, previous, status);
    // Patched against the copy this reconcile started from (a conflict re-applies it to the newer
    // one) and cached, so the next reconcile starts from what was written. JOSDK's patchStatus
    // leaves the cache behind: a diff from a stale copy then replaced a field (such as
    // capacityExhaustedAt) the stored status no longer had, and every status write failed until
    // the informer caught up (MigrationIT in CI, against the mock API, for two minutes).
    PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(
        startedFrom,
        context,
        base -> {
          base.setStatus(status);
          return base;
        });
    return UpdateControl.<NodePool>noUpdate().rescheduleAfter(pollInterval);
  }

  /** No ping-pong: a VM moved within three rebalancing intervals (at least 15 min) stays put. */
  private static Duration cooldown(NodePool pool) {
    Duration three = Durations.parse(pool.getSpec().rebalancing.interval).multipliedBy(3);
    return three.compareTo(MIN_COOLDOWN) < 0 ? MIN_COOLDOWN : three;
  }

  private void summarize(NodePool pool, NodePoolStatus previous, NodePoolStatus status) {
    Long generation = pool.getMetadata().getGeneration();
    int ready = (int) status.hosts.stream().filter(h -> h.ready).count();
    status.readyHosts = ready;
    status.totalHosts = status.hosts.size();
    status.hostsReady = ready + "/" + status.hosts.size();
    status.vmCount = status.hosts.stream().mapToInt(h -> h.vmCount).sum();

    Map<String, Boolean> wasReady =
        previous.hosts.stream().collect(Collectors.toMap(h -> h.name, h -> h.ready, (a, b) -> a));
    for (HostStatus h : status.hosts) {
      Boolean before = wasReady.get(h.name);
      if (h.ready && Boolean.FALSE.equals(before)) {
        events.normal(pool, "HostReady", "host " + h.name + " is ready again");
      } else if (!h.ready && !Objects.equals(before, Boolean.FALSE)) {
        events.warning(pool, "HostNotReady", "host " + h.name + ": " + h.message);
      }
    }

    String notReady =
        status.hosts.stream()
            .filter(h -> !h.ready)
            .map(h -> h.name + ": " + h.message)
            .collect(Collectors.joining("; "));
    conditions.set(
        status.conditions,
        Conditions.AVAILABLE,
        ready > 0,
        ready > 0 ? "HostsReady" : "NoHostReady",
        ready + " of " + status.hosts.size() + " hosts ready",
        generation);
    conditions.set(
        status.conditions,
        Conditions.DEGRADED,
        !notReady.isEmpty(),
        notReady.isEmpty() ? "AllHostsReady" : "HostsNotReady",
        notReady.isEmpty() ? "all hosts ready" : notReady,
        generation);
  }

  private static Resources allocated(List<VirtualMachine> vms) {
    int vcpus = 0;
    long memory = 0;
    for (VirtualMachine vm : vms) {
      try {
        memory += VmResources.of(vm.getSpec()).memoryMiB();
        vcpus += vm.getSpec().vcpus;
      } catch (IllegalArgumentException e) {
        // an invalid spec has no domain; its own status says why
      }
    }
    return new Resources(vcpus, memory);
  }

  @SuppressWarnings("unchecked")
  private static List<VirtualMachine> allVirtualMachines(Context<NodePool> context) {
    var source =
        (InformerEventSource<VirtualMachine, NodePool>)
            context.eventSourceRetriever().getEventSourceFor(VirtualMachine.class);
    return source.list().map(Function.identity()).toList();
  }
}
