package io.novacron.operator.nodepool;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.novacron.crds.common.MigrationMode;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.migration.MigrationLabels;
import io.novacron.crds.migration.MigrationSpec;
import io.novacron.crds.migration.MigrationStatus;
import io.novacron.crds.migration.MigrationStatus.Phase;
import io.novacron.crds.nodepool.HostStatus;
import io.novacron.crds.nodepool.HostStatus.Evacuation;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.nodepool.NodePoolStatus.MoveRecommendation;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.operator.kube.EventRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Migrations a pool creates on its own: one per VM on a host in maintenance (the evacuation,
 * whose progress goes into the host's status), and under automation Full one per rebalancing
 * recommendation, within the pool's hourly budget. They are owned by the pool and labelled (see
 * {@link MigrationLabels}); the Migration reconciler applies the concurrency limits to them like to
 * any other.
 */
final class PoolMigrations {
  private static final Logger log = LoggerFactory.getLogger(PoolMigrations.class);
  private static final Duration HOUR = Duration.ofHours(1);
  private static final int MAX_NAME = 253;

  private final EventRecorder events;
  private final Clock clock;
  private final Duration settle;

  /**
   * {@code settle}: how long after a rebalancing move ends before the next one starts (see {@link
   * #rebalance}).
   */
  PoolMigrations(EventRecorder events, Clock clock, Duration settle) {
    this.events = events;
    this.clock = clock;
    this.settle = settle;
  }

  /**
   * Creates a Migration for each VM still on a host in maintenance that has none yet, and writes
   * each such host's evacuation progress. A failed evacuation Migration is not retried on its own:
   * deleting it asks for a new one.
   */
  void evacuate(
      NodePool pool,
      List<HostStatus> hosts,
      List<VirtualMachine> placed,
      List<Migration> migrations,
      KubernetesClient client) {
    for (HostStatus host : hosts) {
      if (!host.maintenance) {
        host.evacuation = null;
        continue;
      }
      List<Migration> ours =
          migrations.stream()
              .filter(m -> MigrationLabels.EVACUATION.equals(label(m, MigrationLabels.REASON)))
              .filter(m -> host.name.equals(label(m, MigrationLabels.HOST)))
              .toList();
      List<VirtualMachine> remaining =
          placed.stream().filter(vm -> host.name.equals(vm.getStatus().host)).toList();
      int created = 0;
      for (VirtualMachine vm : remaining) {
        boolean asked =
            ours.stream()
                .anyMatch(
                    m ->
                        m.getMetadata().getNamespace().equals(vm.getMetadata().getNamespace())
                            && vm.getMetadata().getName().equals(m.getSpec().vmName));
        // a VM another Migration is moving now is left to it; the next round looks again
        if (!asked
            && !hasUnfinished(vm, migrations)
            && create(client, evacuation(pool, host.name, vm))) {
          created++;
        }
      }
      if (created > 0) {
        events.normal(
            pool,
            "Evacuating",
            "host " + host.name + " is in maintenance: moving " + created + " VM(s) off it");
      }
      host.evacuation = progress(remaining.size(), ours);
    }
  }

  /**
   * Automation Full: turns recommendations into Migrations, at most perHour an hour, and one round
   * at a time: none is created while a rebalancing Migration of the pool is under way or ended less
   * than the settle time ago. A moving VM's readings are unreliable during the move and just after
   * it (the move competes for its hosts' CPUs; the first reading on the new host has no rate), and
   * a round planned from them once sent a second VM after the first (MigrationIT, in CI); the next
   * round plans from samples taken on the new host.
   */
  void rebalance(
      NodePool pool,
      List<MoveRecommendation> recommendations,
      List<VirtualMachine> placed,
      List<Migration> migrations,
      KubernetesClient client) {
    Instant settledSince = clock.instant().minus(settle);
    Optional<Migration> settling =
        migrations.stream()
            .filter(m -> MigrationLabels.REBALANCE.equals(label(m, MigrationLabels.REASON)))
            .filter(m -> !finished(m) || endedAfter(m, settledSince))
            .findFirst();
    if (settling.isPresent() && !recommendations.isEmpty()) {
      log.debug(
          "NodePool {}: {} waits for Migration {} to settle",
          pool.getMetadata().getName(),
          recommendations.get(0).vm,
          settling.get().getMetadata().getName());
      return;
    }
    Instant hourAgo = clock.instant().minus(HOUR);
    long createdLastHour =
        migrations.stream()
            .filter(m -> MigrationLabels.REBALANCE.equals(label(m, MigrationLabels.REASON)))
            .filter(m -> created(m).isAfter(hourAgo))
            .count();
    int budget = pool.getSpec().rebalancing.limits.perHour;
    for (MoveRecommendation r : recommendations) {
      if (createdLastHour >= budget) {
        log.info(
            "NodePool {}: hourly budget of {} automatic migrations used; {} waits",
            pool.getMetadata().getName(),
            budget,
            r.vm);
        return;
      }
      Optional<VirtualMachine> vm =
          placed.stream().filter(v -> r.vm.equals(Cache.metaNamespaceKeyFunc(v))).findFirst();
      if (vm.isEmpty() || liveModeOf(vm.get()).isEmpty() || hasUnfinished(vm.get(), migrations)) {
        continue;
      }
      Migration m =
          migration(
              pool,
              vm.get(),
              MigrationLabels.REBALANCE,
              "rebalance-"
                  + vm.get().getMetadata().getName()
                  + "-"
                  + clock.instant().getEpochSecond());
      m.getSpec().targetHost = r.toHost;
      m.getSpec().mode = liveModeOf(vm.get()).get();
      if (create(client, m)) {
        createdLastHour++;
        events.normal(
            pool,
            "Rebalancing",
            "moving " + r.vm + " from " + r.fromHost + " to " + r.toHost + ": " + r.reason);
      }
    }
  }

  private Migration evacuation(NodePool pool, String host, VirtualMachine vm) {
    Migration m =
        migration(
            pool,
            vm,
            MigrationLabels.EVACUATION,
            "evacuate-" + host + "-" + vm.getMetadata().getName());
    m.getMetadata().getLabels().put(MigrationLabels.HOST, host);
    boolean running = vm.getStatus().phase == VirtualMachineStatus.Phase.Running;
    m.getSpec().mode = running ? liveModeOf(vm).orElse(MigrationMode.Cold) : MigrationMode.Cold;
    return m;
  }

  /**
   * A Migration of {@code vm} named {@code name} (made a valid name): fixed names make a second
   * create of the same request fail instead of moving the VM twice when the cache lags.
   */
  private static Migration migration(NodePool pool, VirtualMachine vm, String reason, String name) {
    Migration m = new Migration();
    m.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(vm.getMetadata().getNamespace())
            .withName(validName(name))
            .withLabels(
                new HashMap<>(
                    Map.of(
                        MigrationLabels.POOL,
                        pool.getMetadata().getName(),
                        MigrationLabels.REASON,
                        reason,
                        MigrationLabels.AUTOMATIC,
                        "true")))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(pool.getApiVersion())
                    .withKind(pool.getKind())
                    .withName(pool.getMetadata().getName())
                    .withUid(pool.getMetadata().getUid())
                    .build())
            .build());
    m.setSpec(new MigrationSpec());
    m.getSpec().vmName = vm.getMetadata().getName();
    return m;
  }

  /** Live if the VM allows it, else PostCopy if allowed; empty when it allows only Cold. */
  private static Optional<MigrationMode> liveModeOf(VirtualMachine vm) {
    List<MigrationMode> allowed =
        vm.getSpec().migration == null ? List.of() : vm.getSpec().migration.allowedModes;
    if (allowed.isEmpty() || allowed.contains(MigrationMode.Live)) {
      return Optional.of(MigrationMode.Live);
    }
    return allowed.contains(MigrationMode.PostCopy)
        ? Optional.of(MigrationMode.PostCopy)
        : Optional.empty();
  }

  private static boolean hasUnfinished(VirtualMachine vm, List<Migration> migrations) {
    return migrations.stream()
        .filter(m -> m.getMetadata().getNamespace().equals(vm.getMetadata().getNamespace()))
        .filter(m -> vm.getMetadata().getName().equals(m.getSpec().vmName))
        .anyMatch(m -> !finished(m));
  }

  /**
   * Whether a Migration moves a VM of {@code pool}: by the pool its status names, or, for the
   * pool's own Migrations, by their label, which they carry from creation. Until the Migration
   * reconciler writes a status, a just-created one would otherwise be missed, and its VM look free
   * to move.
   */
  static boolean belongsTo(String pool, Migration m) {
    return (m.getStatus() != null && pool.equals(m.getStatus().nodePool))
        || pool.equals(label(m, MigrationLabels.POOL));
  }

  /**
   * The VMs (namespace/name) with a Migration under way, or one that ended after {@code since}, to
   * the host the move puts them on: its target while under way or once it succeeded (the VM's own
   * status may not say so yet), empty when it failed or has no target yet. By name, not UID: a
   * Migration just created has no status yet, and left out its VM looked free to move again. A
   * Migration whose UID names another VM than {@code vms}' one of that name moved an earlier VM,
   * deleted and created again since, and is left out.
   */
  static Map<String, Optional<String>> recentlyMoved(
      List<Migration> migrations, List<VirtualMachine> vms, Instant since) {
    Map<String, String> uids =
        vms.stream()
            .filter(v -> v.getMetadata().getUid() != null)
            .collect(
                Collectors.toMap(
                    Cache::metaNamespaceKeyFunc, v -> v.getMetadata().getUid(), (a, b) -> a));
    Map<String, Optional<String>> out = new HashMap<>();
    for (Migration m : migrations) {
      String vm = Cache.namespaceKeyFunc(m.getMetadata().getNamespace(), m.getSpec().vmName);
      MigrationStatus status = m.getStatus() == null ? new MigrationStatus() : m.getStatus();
      if (status.vmUid != null && uids.containsKey(vm) && !status.vmUid.equals(uids.get(vm))) {
        continue;
      }
      Optional<String> target =
          Optional.ofNullable(
              status.targetHost != null ? status.targetHost : m.getSpec().targetHost);
      if (!finished(m)) {
        out.put(vm, target);
      } else if (endedAfter(m, since)) {
        out.putIfAbsent(vm, status.phase == Phase.Succeeded ? target : Optional.empty());
      }
    }
    return out;
  }

  private static Evacuation progress(int vmsRemaining, List<Migration> ours) {
    Evacuation e = new Evacuation();
    e.vmsRemaining = vmsRemaining;
    Map<Phase, Long> byPhase =
        ours.stream()
            .collect(
                Collectors.groupingBy(
                    m ->
                        m.getStatus() == null || m.getStatus().phase == null
                            ? Phase.Pending
                            : m.getStatus().phase,
                    Collectors.counting()));
    e.migrationsPending =
        (int)
            (byPhase.getOrDefault(Phase.Pending, 0L) + byPhase.getOrDefault(Phase.Scheduling, 0L));
    e.migrationsRunning = byPhase.getOrDefault(Phase.Running, 0L).intValue();
    e.migrationsSucceeded = byPhase.getOrDefault(Phase.Succeeded, 0L).intValue();
    e.migrationsFailed =
        (int) (byPhase.getOrDefault(Phase.Failed, 0L) + byPhase.getOrDefault(Phase.Cancelled, 0L));
    String failures =
        ours.stream()
            .filter(m -> m.getStatus() != null && m.getStatus().phase == Phase.Failed)
            .map(m -> m.getSpec().vmName + ": " + m.getStatus().failureReason)
            .collect(Collectors.joining("; "));
    e.message =
        vmsRemaining == 0
            ? "the host is empty"
            : vmsRemaining
                + " VM(s) still on the host"
                + (failures.isEmpty() ? "" : "; failed: " + failures);
    return e;
  }

  private static boolean create(KubernetesClient client, Migration m) {
    try {
      client.resource(m).create();
      return true;
    } catch (KubernetesClientException e) {
      log.warn(
          "Could not create a Migration for {}/{}: {}",
          m.getMetadata().getNamespace(),
          m.getSpec().vmName,
          e.getMessage());
      return false;
    }
  }

  private static String validName(String name) {
    if (name.length() <= MAX_NAME) {
      return name;
    }
    String hash = Integer.toHexString(name.hashCode());
    return name.substring(0, MAX_NAME - hash.length() - 1) + "-" + hash;
  }

  static boolean finished(Migration m) {
    Phase p = m.getStatus() == null ? null : m.getStatus().phase;
    return p == Phase.Succeeded || p == Phase.Failed || p == Phase.Cancelled;
  }

  /** Whether it ended after {@code since}; one with no end time recorded counts as long ended. */
  private static boolean endedAfter(Migration m, Instant since) {
    String ended = m.getStatus() == null ? null : m.getStatus().completionTime;
    return ended != null && Instant.parse(ended).isAfter(since);
  }

  private static Instant created(Migration m) {
    String t = m.getMetadata().getCreationTimestamp();
    return t == null ? Instant.EPOCH : Instant.parse(t);
  }

  private static String label(Migration m, String key) {
    return m.getMetadata().getLabels() == null ? null : m.getMetadata().getLabels().get(key);
  }
}
