package io.novacron.e2e;

import static io.novacron.e2e.LocalCluster.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.novacron.crds.common.Conditions;
import io.novacron.crds.nodepool.NodePool;
import io.novacron.crds.vm.DiskSpec;
import io.novacron.crds.vm.NetworkSpec;
import io.novacron.crds.vm.PlacementSpec;
import io.novacron.crds.vm.RunStrategy;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus.Phase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.libvirt.DomainInfo.DomainState;

/**
 * The operator driving three real local libvirt/QEMU hosts: pool-a (host1, host2) and pool-b
 * (host3). Every claim is checked through libvirt and the guest's serial console, not the
 * operator's own status alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LibvirtHostsIT {
  private static final long MIB = 1L << 20;

  @BeforeAll
  static void start() {
    LocalCluster.start("e2e/target/it-work", 3, Map.of());
    client.resource(pool("pool-a", 1, 2)).create();
    client.resource(pool("pool-b", 3)).create();
  }

  @AfterAll
  static void stop() {
    LocalCluster.stop();
  }

  /** Each test deletes its VMs; deletion must also remove their domains. */
  @AfterEach
  void deleteVms() {
    for (VirtualMachine vm :
        client.resources(VirtualMachine.class).inNamespace(NS).list().getItems()) {
      String uuid = vm.getMetadata().getUid();
      String host = vm.getStatus() == null ? null : vm.getStatus().host;
      client.resource(vm).delete();
      await().atMost(Duration.ofSeconds(30)).until(() -> client.resource(vm).get() == null);
      if (host != null) {
        assertThat(Libvirt.state(uri(host), uuid))
            .as("domain of " + vm.getMetadata().getName())
            .isEmpty();
      }
    }
  }

  @Test
  @Order(1)
  void vmRunsOnTheLeastLoadedHostAndReallyBoots() throws IOException {
    VirtualMachine filler = vm("filler", "pool-a");
    filler.getSpec().placement = new PlacementSpec();
    filler.getSpec().placement.pinnedHost = "host1";
    create(filler);
    awaitPhase("filler", Phase.Running);

    VirtualMachine fresh = create(vm("fresh", "pool-a"));
    VirtualMachine running = awaitPhase("fresh", Phase.Running);

    assertThat(running.getStatus().host).isEqualTo("host2");
    String uuid = running.getMetadata().getUid();
    assertThat(Libvirt.running(hosts.uri(2), uuid)).isTrue();
    assertThat(Libvirt.state(hosts.uri(1), uuid)).isEmpty();
    awaitConsole(2, running, BOOTED);
    assertThat(fresh.getMetadata().getName()).isEqualTo("fresh");
    assertThat(eventReasons("fresh")).contains("Scheduled", "Started");
  }

  @Test
  @Order(2)
  void antiAffinityGroupSpreadsVmsAcrossHosts() {
    for (String name : List.of("ha-1", "ha-2")) {
      VirtualMachine vm = vm(name, "pool-a");
      vm.getSpec().placement = new PlacementSpec();
      vm.getSpec().placement.antiAffinityGroup = "ha";
      create(vm);
    }
    String host1 = awaitPhase("ha-1", Phase.Running).getStatus().host;
    String host2 = awaitPhase("ha-2", Phase.Running).getStatus().host;
    assertThat(List.of(host1, host2)).containsExactlyInAnyOrder("host1", "host2");

    VirtualMachine third = vm("ha-3", "pool-a");
    third.getSpec().placement = new PlacementSpec();
    third.getSpec().placement.antiAffinityGroup = "ha";
    create(third);
    VirtualMachine unschedulable =
        awaitVm("ha-3", v -> hasCondition(v, Conditions.SCHEDULED, "Unschedulable"));
    assertThat(condition(unschedulable, Conditions.SCHEDULED).getMessage())
        .contains("host1: already runs a VM of anti-affinity group ha")
        .contains("host2: already runs a VM of anti-affinity group ha");
  }

  @Test
  @Order(3)
  void vmLandsInItsOwnPool() {
    create(vm("b-only", "pool-b"));
    VirtualMachine running = awaitPhase("b-only", Phase.Running);
    assertThat(running.getStatus().host).isEqualTo("host3");
    assertThat(Libvirt.running(hosts.uri(3), running.getMetadata().getUid())).isTrue();
  }

  @Test
  @Order(4)
  void haltedShutsTheGuestDownGracefullyAndAlwaysBringsItBack() throws IOException {
    create(vm("cycle", "pool-b"));
    VirtualMachine running = awaitPhase("cycle", Phase.Running);
    String uuid = running.getMetadata().getUid();
    awaitConsole(3, running, BOOTED);

    edit(
        "cycle",
        v -> {
          v.getSpec().runStrategy = RunStrategy.Halted;
          return v;
        });
    VirtualMachine stopped = awaitPhase("cycle", Phase.Stopped);
    assertThat(Libvirt.state(hosts.uri(3), uuid)).contains(DomainState.VIR_DOMAIN_SHUTOFF);
    // the guest itself powered off (ACPI), it was not forced
    assertThat(console(3, stopped)).contains("reboot: Power down");
    assertThat(eventReasons("cycle")).contains("Stopping").doesNotContain("ForcedOff");

    edit(
        "cycle",
        v -> {
          v.getSpec().runStrategy = RunStrategy.Always;
          return v;
        });
    awaitPhase("cycle", Phase.Running);
    assertThat(Libvirt.running(hosts.uri(3), uuid)).isTrue();
    awaitConsole(3, stopped, BOOTED);
  }

  @Test
  @Order(5)
  void alwaysRestartsADomainDestroyedBehindItsBack() throws IOException {
    create(vm("phoenix", "pool-b"));
    VirtualMachine running = awaitPhase("phoenix", Phase.Running);
    String uuid = running.getMetadata().getUid();
    awaitConsole(3, running, BOOTED);

    Libvirt.destroy(hosts.uri(3), uuid);

    await().atMost(BOOT).until(() -> eventReasons("phoenix").contains("Restarted"));
    assertThat(Libvirt.running(hosts.uri(3), uuid)).isTrue();
    awaitConsole(3, running, BOOTED); // the console log starts afresh on each boot
  }

  @Test
  @Order(6)
  void rerunOnFailureRestartsAfterACrashButNotAfterAGuestPowerOff() throws Exception {
    VirtualMachine vm = vm("batch", "pool-b");
    vm.getSpec().runStrategy = RunStrategy.RerunOnFailure;
    create(vm);
    VirtualMachine running = awaitPhase("batch", Phase.Running);
    String uuid = running.getMetadata().getUid();
    awaitConsole(3, running, BOOTED);

    // crash: the QEMU process dies
    Path pidFile = hosts.hostDir(3).resolve("run/qemu/" + running.getStatus().domainName + ".pid");
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    await().atMost(BOOT).until(() -> eventReasons("batch").contains("Restarted"));
    assertThat(Libvirt.running(hosts.uri(3), uuid)).isTrue();
    awaitConsole(3, running, BOOTED);

    // the guest powers off by itself (an admin's ACPI shutdown): it stays off
    Libvirt.shutdown(hosts.uri(3), uuid);
    VirtualMachine off = awaitVm("batch", v -> hasCondition(v, Conditions.READY, "GuestShutdown"));
    assertThat(off.getStatus().phase).isEqualTo(Phase.Stopped);
    Thread.sleep(3000); // three operator polls
    assertThat(Libvirt.state(hosts.uri(3), uuid)).contains(DomainState.VIR_DOMAIN_SHUTOFF);
  }

  @Test
  @Order(6)
  void rerunOnFailureRestartsAGuestWhoseKernelPanicked() {
    VirtualMachine vm = vm("panicky", "pool-b");
    vm.getSpec().runStrategy = RunStrategy.RerunOnFailure;
    vm.getSpec().boot.cmdline = GUEST_CMDLINE + " novacron.panic=1";
    create(vm);
    // the guest panics once booted; its pvpanic device tells QEMU, and libvirt ends the domain as
    // crashed instead of leaving a running domain whose guest is dead
    await()
        .atMost(BOOT)
        .until(
            () ->
                eventMessages("panicky").stream()
                    .anyMatch(m -> m.startsWith("domain was shut off (crashed); restarted")));
  }

  @Test
  @Order(7)
  void liveResizeAndRestartRequired() {
    VirtualMachine vm = vm("elastic", "pool-b");
    vm.getSpec().maxVcpus = 2;
    vm.getSpec().maxMemory = new Quantity("256Mi");
    create(vm);
    VirtualMachine running = awaitPhase("elastic", Phase.Running);
    String uuid = running.getMetadata().getUid();
    awaitConsole(3, running, BOOTED); // resize a booted guest, as users do

    edit(
        "elastic",
        v -> {
          v.getSpec().vcpus = 2;
          v.getSpec().memory = new Quantity("192Mi");
          return v;
        });
    explained(
        "elastic",
        () -> {
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> Libvirt.info(hosts.uri(3), uuid).nrVirtCpu == 2);
          return null;
        });
    VirtualMachine resized =
        awaitVm(
            "elastic",
            v -> v.getStatus().resources != null && v.getStatus().resources.memoryMiB == 192);
    assertThat(resized.getStatus().resources.vcpus).isEqualTo(2);
    // the guest's balloon driver gave the memory back: libvirt reports the balloon's actual size
    explained(
        "elastic",
        () -> {
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> Libvirt.info(hosts.uri(3), uuid).memory == 192 * 1024);
          return null;
        });
    assertThat(eventReasons("elastic")).contains("Resized");
    assertThat(condition(resized, Conditions.RESTART_REQUIRED).getStatus()).isEqualTo("False");

    edit(
        "elastic",
        v -> {
          v.getSpec().boot.cmdline = GUEST_CMDLINE + " loglevel=3";
          return v;
        });
    VirtualMachine pending =
        awaitVm("elastic", v -> hasCondition(v, Conditions.RESTART_REQUIRED, "SpecChanged"));
    assertThat(condition(pending, Conditions.RESTART_REQUIRED).getMessage())
        .startsWith("changes to boot take effect after the VM restarts");
    assertThat(Libvirt.running(hosts.uri(3), uuid)).isTrue();
  }

  @Test
  @Order(8)
  void aStoppedHostDaemonIsReportedAndBothRecoverWhenItReturns() {
    VirtualMachine vm = vm("survivor", "pool-a");
    vm.getSpec().placement = new PlacementSpec();
    vm.getSpec().placement.pinnedHost = "host2";
    create(vm);
    VirtualMachine running = awaitPhase("survivor", Phase.Running);
    String uuid = running.getMetadata().getUid();

    hosts.killDaemon(2);
    try {
      NodePool degraded = awaitPool("pool-a", p -> !hostStatus(p, "host2").ready);
      assertThat(degraded.getStatus().hostsReady).isEqualTo("1/2");
      assertThat(hostStatus(degraded, "host2").healthScore).isZero();
      assertThat(hostStatus(degraded, "host2").message).isNotBlank();
      VirtualMachine unknown =
          awaitVm("survivor", v -> hasCondition(v, Conditions.READY, "HostUnreachable"));
      assertThat(unknown.getStatus().phase).isEqualTo(Phase.Unknown);
      assertThat(condition(unknown, Conditions.READY).getMessage())
          .startsWith("host host2 is unreachable");
    } finally {
      hosts.startHost(2);
    }

    awaitPool("pool-a", p -> hostStatus(p, "host2").ready);
    VirtualMachine back = awaitVm("survivor", v -> hasCondition(v, Conditions.READY, "Running"));
    assertThat(back.getStatus().phase).isEqualTo(Phase.Running);
    // the guest kept running while its host's daemon was down
    assertThat(Libvirt.running(hosts.uri(2), uuid)).isTrue();
    assertThat(eventReasons("survivor")).doesNotContain("Restarted");
  }

  @Test
  @Order(9)
  void aHungHostIsBoundedByTheCallTimeoutAndEverythingElseKeepsWorking() {
    VirtualMachine steady = vm("steady", "pool-a");
    steady.getSpec().placement = new PlacementSpec();
    steady.getSpec().placement.pinnedHost = "host2";
    create(steady);
    awaitPhase("steady", Phase.Running);

    hosts.freezeDaemon(1);
    try {
      NodePool hung = awaitPool("pool-a", p -> !hostStatus(p, "host1").ready);
      assertThat(hostStatus(hung, "host1").message)
          .contains("did not answer")
          .contains("within 5s");
      assertThat(hostStatus(hung, "host2").ready).isTrue();

      // other hosts and pools keep being served while host1 hangs
      create(vm("meanwhile", "pool-b"));
      VirtualMachine meanwhile = awaitPhase("meanwhile", Phase.Running);
      assertThat(Libvirt.running(hosts.uri(3), meanwhile.getMetadata().getUid())).isTrue();
      assertThat(hasCondition(awaitPhase("steady", Phase.Running), Conditions.READY, "Running"))
          .isTrue();
    } finally {
      hosts.thawDaemon(1);
    }
    awaitPool("pool-a", p -> hostStatus(p, "host1").ready);
  }

  @Test
  @Order(10)
  void foreignDomainsAreReportedAndNeverTouched() throws Exception {
    String foreign =
        """
        <domain type='qemu'>
          <name>not-ours</name>
          <memory unit='MiB'>64</memory>
          <vcpu>1</vcpu>
          <os><type arch='x86_64'>hvm</type><kernel>%s</kernel><initrd>%s</initrd></os>
        </domain>
        """
            .formatted(hosts.guestKernel(), hosts.guestInitrd());
    org.libvirt.Connect conn = new org.libvirt.Connect(hosts.uri(3));
    try {
      org.libvirt.Domain domain = conn.domainDefineXML(foreign);
      try {
        NodePool pool =
            awaitPool("pool-b", p -> hostStatus(p, "host3").unmanagedDomains.contains("not-ours"));
        assertThat(hostStatus(pool, "host3").unmanagedDomainCount).isEqualTo(1);
        assertThat(hostStatus(pool, "host3").healthReason)
            .contains("1 domain(s) not managed by NovaCron");
        Thread.sleep(3000); // several polls later it is still there, untouched
        org.libvirt.Domain seen = conn.domainLookupByName("not-ours");
        try {
          assertThat(seen.getUUIDString()).isEqualTo(domain.getUUIDString());
        } finally {
          seen.free();
        }
      } finally {
        domain.undefine();
        domain.free(); // a handle left to the garbage collector keeps the connection open
      }
    } finally {
      conn.close();
    }
    awaitPool("pool-b", p -> hostStatus(p, "host3").unmanagedDomains.isEmpty());
  }

  @Test
  @Order(11)
  void disksAndNetworksReachTheGuest() throws Exception {
    Path data = hosts.work().resolve("data-disk.raw");
    try (var file = new java.io.RandomAccessFile(data.toFile(), "rw")) {
      file.setLength(16L * 1024 * 1024);
    }
    VirtualMachine vm = vm("wired", "pool-b");
    DiskSpec disk = new DiskSpec();
    disk.name = "data";
    disk.path = data.toString();
    disk.format = DiskSpec.Format.raw;
    vm.getSpec().disks.add(disk);
    NetworkSpec nic = new NetworkSpec();
    nic.name = "nat";
    nic.type = NetworkSpec.Type.User;
    vm.getSpec().networks.add(nic);
    create(vm);

    VirtualMachine running = awaitPhase("wired", Phase.Running);
    awaitConsole(3, running, BOOTED);
    assertThat(console(3, running)).contains("disks=vda,").contains("nics=eth0,");
  }

  @Test
  @Order(12)
  void collectorReportsABusyGuestAboveAnIdleOneAndStaysSaneAcrossARestart() {
    VirtualMachine burner = vm("burner", "pool-b");
    burner.getSpec().boot.cmdline = GUEST_CMDLINE + " novacron.burn=1";
    burner.getSpec().maxVcpus = 2; // room to grow: only its one online vCPU counts
    create(burner);
    VirtualMachine idler = vm("idler", "pool-b");
    idler.getSpec().maxMemory = new Quantity("256Mi"); // ballooned below its total memory
    create(idler);
    awaitConsole(3, awaitPhase("burner", Phase.Running), BOOTED);
    awaitConsole(3, awaitPhase("idler", Phase.Running), BOOTED);

    // booting is CPU-heavy under TCG: once booted, the idle guest settles and the burner does not
    VirtualMachine idle = awaitVm("idler", v -> cpu(v) != null && cpu(v) < 30);
    VirtualMachine busy = awaitVm("burner", v -> cpu(v) != null && cpu(v) >= 40);
    assertThat(cpu(busy)).isGreaterThan(cpu(idle) + 30);
    assertThat(idle.getStatus().usage.memoryUsedBytes).isBetween(1L, 128L * 1024 * 1024);
    assertThat(busy.getStatus().usage.vcpuPercent).hasSize(1);
    // the VM's time (its vCPU's and QEMU's own threads') per online vCPU is at least the vCPU's
    assertThat(cpu(busy))
        .isGreaterThanOrEqualTo(Math.min(100, busy.getStatus().usage.vcpuPercent.get(0)) - 0.2);
    // the host's side of memory: the balloon as the burner was given it, 128 MiB, and the idler's
    // between its 128 MiB and its 256 MiB maximum while its driver inflates the balloon; the QEMU
    // processes' resident memory holds at least the guest kernel's pages
    assertThat(busy.getStatus().usage.memoryBalloonBytes).isEqualTo(MIB * 128);
    assertThat(idle.getStatus().usage.memoryBalloonBytes).isBetween(MIB * 128, MIB * 256);
    assertThat(busy.getStatus().usage.memoryRssBytes).isBetween(MIB * 16, MIB * 2048);
    assertThat(idle.getStatus().usage.memoryRssBytes).isBetween(MIB * 16, MIB * 2048);
    // every sample, not only those written into the status, reaches the metric history and the
    // HTTP API serves it, for the VMs and for the host they run on
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.samplesWritten() > 0);
    String api = "http://127.0.0.1:" + operator.httpPort() + "/api/v1";
    // the newest points, after boot (which is CPU-heavy for both under TCG), as in the status
    JsonNode burnerHistory =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    Api.get(api + "/namespaces/" + NS + "/virtualmachines/burner/history?step=10s"),
                h -> h != null && Api.lastCpu(h) >= 40);
    assertThat(burnerHistory.get("resolution").asText()).isEqualTo("raw");
    JsonNode idlerHistory =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    Api.get(api + "/namespaces/" + NS + "/virtualmachines/idler/history?step=10s"),
                h -> h != null && Api.lastCpu(h) < 30);
    assertThat(Api.lastCpu(burnerHistory)).isGreaterThan(Api.lastCpu(idlerHistory) + 10);
    JsonNode idlerPoints = idlerHistory.get("points");
    assertThat(idlerPoints.get(idlerPoints.size() - 1).get("memoryRssBytesMax").asLong())
        .isBetween(MIB * 16, MIB * 2048);
    JsonNode hostHistory =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> Api.get(api + "/nodepools/pool-b/hosts/host3/history?step=10s"),
                h -> h != null && h.get("points").size() > 0);
    JsonNode hostPoint = hostHistory.get("points").get(0);
    assertThat(hostPoint.get("cpuPercentAvg").asDouble()).isBetween(0.0, 100.0);
    assertThat(hostPoint.get("memoryTotalBytes").asLong()).isPositive();
    assertThat(hostPoint.get("memoryFreeBytesMin").asLong())
        .isBetween(1L, hostPoint.get("memoryTotalBytes").asLong());

    String restartedAt = java.time.Instant.now().toString();
    Libvirt.destroy(hosts.uri(3), busy.getMetadata().getUid());
    await().atMost(BOOT).until(() -> eventReasons("burner").contains("Restarted"));
    for (int i = 0; i < 3; i++) {
      String after = restartedAt;
      VirtualMachine sampled =
          awaitVm(
              "burner",
              v ->
                  v.getStatus().usage != null
                      && v.getStatus().usage.sampledAt.compareTo(after) > 0);
      var usage = sampled.getStatus().usage;
      assertThat(usage.cpuPercent).isBetween(0.0, 100.0);
      assertThat(usage.diskReadBytesPerSecond).isGreaterThanOrEqualTo(0.0);
      assertThat(usage.networkRxBytesPerSecond).isGreaterThanOrEqualTo(0.0);
      restartedAt = usage.sampledAt;
    }
  }

  static Double cpu(VirtualMachine v) {
    return v.getStatus().usage == null ? null : v.getStatus().usage.cpuPercent;
  }
}
