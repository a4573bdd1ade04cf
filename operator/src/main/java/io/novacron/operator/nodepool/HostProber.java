package io.novacron.operator.nodepool;

import io.novacron.crds.nodepool.HostSpec;
import io.novacron.crds.nodepool.HostStatus;
import io.novacron.crds.nodepool.HostStatus.Resources;
import io.novacron.crds.nodepool.OvercommitSpec;
import io.novacron.operator.libvirt.DomainSummary;
import io.novacron.operator.libvirt.HostConnections;
import io.novacron.operator.libvirt.HostFacts;
import io.novacron.operator.libvirt.HostUnreachableException;
import io.novacron.operator.libvirt.LibvirtHost;
import io.novacron.operator.libvirt.LibvirtOperationException;
import io.novacron.policy.NodePoolValidator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/** Asks one host for its facts and domains and turns them into its status entry. */
final class HostProber {
  private final HostConnections hosts;

  HostProber(HostConnections hosts) {
    this.hosts = hosts;
  }

  /**
   * @param allocated vCPUs and memory of the VirtualMachines placed on this host
   * @param ownedUuids UUIDs of every VirtualMachine (a domain with another UUID is not ours)
   */
  HostStatus probe(
      HostSpec spec,
      OvercommitSpec overcommit,
      Resources allocated,
      int vmCount,
      Set<String> ownedUuids) {
    HostStatus status = new HostStatus();
    status.name = spec.name;
    status.maintenance = spec.maintenance;
    status.allocated = allocated;
    status.vmCount = vmCount;
    String problem = NodePoolValidator.hostProblem(spec);
    if (problem != null) {
      return notReady(status, problem);
    }
    LibvirtHost host = hosts.host(spec.uri);
    try {
      HostFacts facts = host.facts();
      List<DomainSummary> domains = host.domains();
      status.ready = true;
      status.message = "libvirt host " + facts.hostname() + ", " + domains.size() + " domain(s)";
      if (spec.credentialsSecretRef != null) {
        status.message += "; credentialsSecretRef is not supported yet and was not used";
      }
      status.capacity = new Resources(facts.cpus(), facts.memoryMiB());
      status.freeMemoryMiB = facts.freeMemoryMiB();
      status.unmanagedDomains =
          domains.stream()
              .filter(d -> !ownedUuids.contains(d.uuid()))
              .map(DomainSummary::name)
              .sorted()
              .toList();
      status.unmanagedDomainCount = status.unmanagedDomains.size();
      HostHealth.Score score =
          HostHealth.of(
              fraction(facts.freeMemoryMiB(), facts.memoryMiB()),
              fraction(allocated.cpus, facts.cpus() * overcommit.cpu),
              fraction(allocated.memoryMiB, facts.memoryMiB() * overcommit.memory),
              status.unmanagedDomainCount);
      status.healthScore = score.value();
      status.healthReason = score.reason();
    } catch (HostUnreachableException | LibvirtOperationException e) {
      notReady(status, e.getMessage());
    }
    Instant lastSeen = host.lastSeen();
    status.lastSeen = lastSeen == null ? null : lastSeen.truncatedTo(ChronoUnit.SECONDS).toString();
    return status;
  }

  private static HostStatus notReady(HostStatus status, String why) {
    status.ready = false;
    status.message = why;
    HostHealth.Score score = HostHealth.unreachable(why);
    status.healthScore = score.value();
    status.healthReason = score.reason();
    return status;
  }

  private static double fraction(double part, double whole) {
    return whole <= 0 ? 1.0 : part / whole;
  }
}
