package io.novacron.operator.vm;

import io.novacron.crds.nodepool.HostSpec;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.nodepool.RebalancingSpec;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineSpec;
import io.novacron.operator.domain.DomainNames;
import io.novacron.operator.libvirt.HostConnections;
import io.novacron.operator.libvirt.HostFacts;
import io.novacron.operator.libvirt.HostUnreachableException;
import io.novacron.operator.libvirt.LibvirtOperationException;
import io.novacron.operator.placement.HostView;
import io.novacron.operator.placement.PlacementDecision;
import io.novacron.operator.placement.PlacementLedger;
import io.novacron.operator.placement.PlacementLedger.Assignment;
import io.novacron.operator.placement.PlacementLedger.HostAllocation;
import io.novacron.operator.placement.PlacementPlanner;
import io.novacron.operator.placement.VmCores;
import io.novacron.operator.placement.VmRequest;
import io.novacron.policy.NodePoolValidator;
import io.novacron.policy.VmResources;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Finds the host a VM runs on, or chooses one for it. */
public final class VmPlacement {
  private final HostConnections hosts;
  private final PlacementLedger ledger;

  /** Per "pool/host": CPU cores its VMs are forecast to use, from their status (see learn). */
  private volatile Map<String, Double> forecastCores = Map.of();

  public VmPlacement(HostConnections hosts, PlacementLedger ledger) {
    this.hosts = hosts;
    this.ledger = ledger;
  }

  /** Aligns the ledger with the VMs in the cache, so capacity counts exactly what exists. */
  void learn(Collection<VirtualMachine> vms) {
    Set<String> live = new HashSet<>();
    Map<String, Assignment> placed = new HashMap<>();
    Map<String, Double> forecast = new HashMap<>();
    for (VirtualMachine vm : vms) {
      if (vm.isMarkedForDeletion()) {
        continue;
      }
      String uid = vm.getMetadata().getUid();
      live.add(uid);
      if (vm.getStatus() != null && vm.getStatus().host != null && vm.getSpec() != null) {
        forecast.merge(
            vm.getSpec().nodePool + "/" + vm.getStatus().host, forecastCoresOf(vm), Double::sum);
        try {
          placed.put(uid, assignment(vm, vm.getStatus().host));
        } catch (IllegalArgumentException e) {
          // an invalid spec claims nothing; its own reconcile reports it
        }
      }
    }
    ledger.sync(live, placed);
    forecastCores = forecast;
  }

  private static double forecastCoresOf(VirtualMachine vm) {
    var f = vm.getStatus().forecast;
    if (f == null || f.cpuPercent.isEmpty()) {
      return 0;
    }
    return VmCores.at(vm, f.cpuPercent.get(0));
  }

  void record(VirtualMachine vm, String host) {
    ledger.record(vm.getMetadata().getUid(), assignment(vm, host));
  }

  void forget(VirtualMachine vm) {
    ledger.forget(vm.getMetadata().getUid());
  }

  /**
   * The pool host that already has this VM's domain (left by an earlier placement whose status
   * write was lost), so the VM is adopted rather than defined twice.
   */
  Optional<String> findExistingDomain(VirtualMachine vm, NodePool pool) {
    String uuid = DomainNames.domainUuid(vm);
    for (HostSpec h : pool.getSpec().hosts) {
      if (NodePoolValidator.hostProblem(h) != null) {
        continue;
      }
      try {
        if (hosts.host(h.uri).domain(uuid).isPresent()) {
          return Optional.of(h.name);
        }
      } catch (HostUnreachableException | LibvirtOperationException e) {
        // an unreachable host cannot be placed on either; placement reports it
      }
    }
    return Optional.empty();
  }

  /** Chooses a host and records the choice, all under the ledger's lock. */
  PlacementDecision choose(VirtualMachine vm, NodePool pool) {
    return ledger.decide(
        () -> {
          List<HostView> views = new ArrayList<>();
          for (HostSpec h : pool.getSpec().hosts) {
            views.add(view(pool.getMetadata().getName(), h));
          }
          PlacementDecision decision =
              planner(pool).choose(VmRequest.of(vm.getSpec()), views, forecastOnHosts(pool));
          decision.host().ifPresent(host -> record(vm, host));
          return decision;
        });
  }

  /**
   * A host to move a placed VM to: {@code requested} if the rules allow it, else (when null) the
   * best other host of the pool, by the same rules and preference as a new VM.
   */
  public PlacementDecision chooseTarget(VirtualMachine vm, NodePool pool, String requested) {
    String current = vm.getStatus().host;
    List<HostView> views = new ArrayList<>();
    for (HostSpec h : pool.getSpec().hosts) {
      if (!h.name.equals(current) && (requested == null || h.name.equals(requested))) {
        views.add(view(pool.getMetadata().getName(), h));
      }
    }
    return planner(pool).choose(VmRequest.of(vm.getSpec()), views, forecastOnHosts(pool));
  }

  /** Automation Partial and Full place VMs by their hosts' forecast load. */
  private static Planner planner(NodePool pool) {
    PlacementPlanner planner =
        new PlacementPlanner(pool.getSpec().overcommit.cpu, pool.getSpec().overcommit.memory);
    boolean forecastAware =
        pool.getSpec().rebalancing != null
            && pool.getSpec().rebalancing.automation != RebalancingSpec.Automation.Manual;
    return forecastAware
        ? planner::chooseByForecast
        : (vm, views, forecast) -> planner.choose(vm, views);
  }

  private interface Planner {
    PlacementDecision choose(VmRequest vm, List<HostView> views, Map<String, Double> forecast);
  }

  private Map<String, Double> forecastOnHosts(NodePool pool) {
    Map<String, Double> out = new HashMap<>();
    String prefix = pool.getMetadata().getName() + "/";
    forecastCores.forEach(
        (key, cores) -> {
          if (key.startsWith(prefix)) {
            out.put(key.substring(prefix.length()), cores);
          }
        });
    return out;
  }

  private HostView view(String pool, HostSpec h) {
    HostAllocation alloc = ledger.allocation(pool, h.name);
    String problem = NodePoolValidator.hostProblem(h);
    HostFacts facts = null;
    if (problem == null) {
      try {
        facts = hosts.host(h.uri).facts();
      } catch (HostUnreachableException | LibvirtOperationException e) {
        problem = e.getMessage();
      }
    }
    return new HostView(
        h.name,
        facts != null,
        problem,
        h.maintenance,
        h.labels,
        facts == null ? 0 : facts.cpus(),
        facts == null ? 0 : facts.memoryMiB(),
        alloc.vcpus(),
        alloc.memoryMiB(),
        alloc.groups());
  }

  private static Assignment assignment(VirtualMachine vm, String host) {
    VirtualMachineSpec spec = vm.getSpec();
    String group = spec.placement == null ? null : spec.placement.antiAffinityGroup;
    return new Assignment(spec.nodePool, host, spec.vcpus, VmResources.of(spec).memoryMiB(), group);
  }
}
