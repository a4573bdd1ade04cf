package io.novacron.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.novacron.crds.common.Backend;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.scaling.ScalingPolicy;
import io.novacron.crds.vm.DiskSpec;
import io.novacron.crds.vm.RunStrategy;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineSpec;
import io.novacron.policy.AdmissionRequest.Operation;
import io.novacron.policy.TenancyPolicy.NamespaceRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The admission rules for NovaCron's resources: the webhook answers with them and the reconcilers
 * apply them too, so a resource the webhook would deny is refused with the same message when no
 * webhook is installed. Pure apart from the {@link ClusterView} it reads.
 */
public final class AdmissionRules {
  private final Supplier<TenancyPolicy> policy;

  /** {@code policy} is asked on every review, so a reloaded policy applies at once. */
  public AdmissionRules(Supplier<TenancyPolicy> policy) {
    this.policy = policy;
  }

  public Verdict review(AdmissionRequest request, ClusterView cluster) {
    HasMetadata subject = request.object() != null ? request.object() : request.oldObject();
    List<String> warnings = new ArrayList<>();
    Optional<Denial> denial = Optional.empty();
    if (subject instanceof VirtualMachine vm) {
      denial = reviewVm(request, vm, cluster, warnings);
    } else if (subject instanceof Migration m) {
      denial = reviewMigration(request, m, cluster);
    } else if (subject instanceof NodePool p) {
      denial =
          request.operation() == Operation.DELETE
              ? poolDeletion(p, cluster)
              : poolSpec(p, warnings);
    } else if (subject instanceof ScalingPolicy sp) {
      denial = reviewScalingPolicy(request, sp, cluster, warnings);
    }
    return denial
        .map(d -> Verdict.deny(d.rule(), d.message(), warnings))
        .orElseGet(() -> Verdict.allow(warnings));
  }

  private Optional<Denial> reviewVm(
      AdmissionRequest request, VirtualMachine vm, ClusterView cluster, List<String> warnings) {
    if (request.operation() == Operation.DELETE) {
      return Optional.empty();
    }
    String name = request.namespace() + "/" + vm.getMetadata().getName();
    List<String> problems = VirtualMachineValidator.problems(vm.getSpec());
    if (!problems.isEmpty()) {
      return deny("spec", "VirtualMachine " + name + ": " + String.join("; ", problems));
    }
    if (request.oldObject() instanceof VirtualMachine old && old.getSpec() != null) {
      Optional<Denial> moved = placementChanged(old.getSpec(), vm.getSpec());
      if (moved.isPresent()) {
        return moved;
      }
    }
    warnAbout(vm.getSpec(), warnings);
    Optional<NamespaceRules> rules = rulesFor(request.namespace(), cluster);
    if (rules.isEmpty()) {
      return Optional.empty();
    }
    Optional<Denial> tenancy = TenantLimits.checkVm(rules.get(), request.namespace(), vm);
    if (tenancy.isPresent()) {
      return tenancy;
    }
    VirtualMachine before = request.oldObject() instanceof VirtualMachine old ? old : null;
    return Quotas.check(
        rules.get(), request.namespace(), vm, before, cluster.vmResources(request.namespace()));
  }

  private static Optional<Denial> placementChanged(VirtualMachineSpec old, VirtualMachineSpec now) {
    if (!Objects.equals(old.nodePool, now.nodePool)) {
      return deny(
          "immutable-placement",
          "spec.nodePool of an existing VirtualMachine cannot change ("
              + old.nodePool
              + " -> "
              + now.nodePool
              + "); create a new VirtualMachine in the other pool");
    }
    if (old.backend != now.backend) {
      return deny(
          "immutable-placement",
          "spec.backend of an existing VirtualMachine cannot change ("
              + old.backend
              + " -> "
              + now.backend
              + ")");
    }
    return Optional.empty();
  }

  private static void warnAbout(VirtualMachineSpec spec, List<String> warnings) {
    if (spec.backend == Backend.KubeVirt) {
      warnings.add("backend KubeVirt is not implemented yet: the VM will stay Pending");
    }
    if (spec.runStrategy == RunStrategy.Manual) {
      warnings.add("runStrategy Manual: NovaCron will not start the VM again if it stops");
    }
    if (spec.placement != null && spec.placement.pinnedHost != null) {
      warnings.add(
          "placement.pinnedHost "
              + spec.placement.pinnedHost
              + ": the VM cannot be rebalanced and blocks its host's maintenance evacuation");
    }
  }

  private Optional<Denial> reviewMigration(
      AdmissionRequest request, Migration m, ClusterView cluster) {
    if (request.operation() == Operation.DELETE) {
      return Optional.empty();
    }
    String name = request.namespace() + "/" + m.getMetadata().getName();
    List<String> problems = MigrationValidator.problems(m.getSpec());
    if (!problems.isEmpty()) {
      return deny("spec", "Migration " + name + ": " + String.join("; ", problems));
    }
    if (request.operation() != Operation.CREATE) {
      return Optional.empty();
    }
    boolean vmHere =
        cluster.virtualMachines(request.namespace()).stream()
            .anyMatch(vm -> m.getSpec().vmName.equals(vm.getMetadata().getName()));
    if (!vmHere) {
      return deny(
          "migration-vm",
          "Migration "
              + name
              + " names VirtualMachine "
              + m.getSpec().vmName
              + ", which does not exist in namespace "
              + request.namespace());
    }
    return rulesFor(request.namespace(), cluster)
        .flatMap(r -> TenantLimits.checkMigration(r, request.namespace(), m));
  }

  private static Optional<Denial> poolSpec(NodePool pool, List<String> warnings) {
    String name = pool.getMetadata().getName();
    List<String> problems = NodePoolValidator.poolProblems(pool.getSpec());
    if (!problems.isEmpty()) {
      return deny("spec", "NodePool " + name + ": " + String.join("; ", problems));
    }
    // the operator keeps a pool's good hosts working when one entry is wrong, so this only warns
    pool.getSpec().hosts.stream()
        .map(NodePoolValidator::hostProblem)
        .filter(Objects::nonNull)
        .forEach(p -> warnings.add("NodePool " + name + ": " + p));
    return Optional.empty();
  }

  private static Optional<Denial> poolDeletion(NodePool pool, ClusterView cluster) {
    String name = pool.getMetadata().getName();
    List<String> vms =
        cluster.virtualMachinesInPool(name).stream()
            .map(vm -> vm.getMetadata().getNamespace() + "/" + vm.getMetadata().getName())
            .sorted()
            .toList();
    if (vms.isEmpty()) {
      return Optional.empty();
    }
    return deny(
        "pool-in-use",
        "NodePool "
            + name
            + " still has "
            + vms.size()
            + " VirtualMachine(s) ("
            + String.join(", ", vms.subList(0, Math.min(5, vms.size())))
            + (vms.size() > 5 ? ", ..." : "")
            + "); delete them first");
  }

  private Optional<Denial> reviewScalingPolicy(
      AdmissionRequest request, ScalingPolicy sp, ClusterView cluster, List<String> warnings) {
    if (request.operation() == Operation.DELETE || sp.getSpec() == null) {
      return Optional.empty();
    }
    String name = request.namespace() + "/" + sp.getMetadata().getName();
    if (sp.getSpec().template == null || sp.getSpec().template.spec == null) {
      return deny("spec", "ScalingPolicy " + name + ": spec.template.spec is required");
    }
    VirtualMachine template = new VirtualMachine();
    template.setMetadata(sp.getMetadata());
    template.setSpec(sp.getSpec().template.spec);
    List<String> problems = VirtualMachineValidator.problems(template.getSpec());
    if (!problems.isEmpty()) {
      return deny("spec", "ScalingPolicy " + name + " template: " + String.join("; ", problems));
    }
    warnAbout(template.getSpec(), warnings);
    Optional<NamespaceRules> rules = rulesFor(request.namespace(), cluster);
    if (rules.isEmpty()) {
      return Optional.empty();
    }
    Quotas.warnIfReplicasExceed(rules.get(), request.namespace(), sp, warnings);
    return TenantLimits.checkVm(rules.get(), request.namespace(), template)
        .map(d -> new Denial(d.rule(), "ScalingPolicy " + name + " template: " + d.message()));
  }

  private Optional<NamespaceRules> rulesFor(String namespace, ClusterView cluster) {
    return policy.get().rulesFor(namespace, cluster.namespaceLabels(namespace));
  }

  static Optional<Denial> deny(String rule, String message) {
    return Optional.of(new Denial(rule, message));
  }

  /** All paths a VM boots or reads from. */
  static Stream<String> paths(VirtualMachineSpec spec) {
    Stream<String> boot =
        spec.boot == null
            ? Stream.empty()
            : Stream.of(spec.boot.kernel, spec.boot.initrd, spec.boot.disk)
                .filter(Objects::nonNull);
    return Stream.concat(boot, spec.disks.stream().map((DiskSpec d) -> d.path))
        .filter(Objects::nonNull);
  }

  record Denial(String rule, String message) {}
}
