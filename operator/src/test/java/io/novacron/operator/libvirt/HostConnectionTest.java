package io.novacron.operator.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against libvirt's in-process test driver and a socket nobody listens on. */
class HostConnectionTest {
  private final HostConnections hosts =
      new HostConnections(Duration.ofMillis(500), Duration.ofSeconds(30), Clock.systemUTC());

  @AfterEach
  void close() {
    hosts.close();
  }

  @Test
  void readsFactsAndDomainsFromAHost() {
    LibvirtHost host = hosts.host("test:///default");
    HostFacts facts = host.facts();
    assertThat(facts.cpus()).isPositive();
    assertThat(facts.memoryMiB()).isPositive();
    assertThat(host.domains()).extracting(DomainSummary::name).contains("test");
    assertThat(host.lastSeen()).isNotNull();
  }

  @Test
  void reportsStateAndStopReason() {
    LibvirtHost host = hosts.host("test:///default");
    String uuid =
        host.domains().stream().filter(d -> d.name().equals("test")).findFirst().get().uuid();
    assertThat(host.domain(uuid).get().power().state()).isEqualTo(DomainPower.State.RUNNING);
    host.destroy(uuid);
    try {
      assertThat(host.domain(uuid).get().power())
          .isEqualTo(new DomainPower(DomainPower.State.SHUT_OFF, DomainPower.StopReason.DESTROYED));
    } finally {
      host.start(uuid);
    }
    assertThat(host.domain("00000000-0000-4000-8000-00000000abcd")).isEmpty();
  }

  @Test
  void unreachableHostFailsFastThenBacksOff() {
    LibvirtHost host = hosts.host("qemu+unix:///system?socket=/nonexistent/libvirt-sock");
    assertThatThrownBy(host::facts)
        .isInstanceOf(HostUnreachableException.class)
        .hasMessageContaining("cannot connect to qemu+unix:///system?socket=/nonexistent");
    assertThatThrownBy(host::facts)
        .isInstanceOf(HostUnreachableException.class)
        .hasMessageContaining("next attempt in");
  }

  @Test
  void aHungCallIsAbandonedAfterTheTimeoutAndTheHostStaysUsable() {
    HostConnection conn =
        new HostConnection(
            "test:///default", Duration.ofMillis(300), Duration.ofMillis(1), Clock.systemUTC());
    try {
      assertThatThrownBy(
              () ->
                  conn.call(
                      "a hung call",
                      c -> {
                        java.util.concurrent.locks.LockSupport.parkNanos(60_000_000_000L);
                        return null;
                      }))
          .isInstanceOf(HostUnreachableException.class)
          .hasMessageContaining("did not answer a hung call within");
      // backoff is 1 ms here, so the next call reconnects on a fresh thread
      await(() -> conn.call("hostname", c -> c.getHostName()) != null);
    } finally {
      conn.close();
    }
  }

  @Test
  void libvirtErrorsAreOperationFailuresNotUnreachability() {
    LibvirtHost host = hosts.host("test:///default");
    assertThatThrownBy(() -> host.define("<domain type='qemu'><name>broken"))
        .isInstanceOf(LibvirtOperationException.class)
        .hasMessageContaining("defining domain failed");
  }

  @Test
  void countsOnlyTheOnlineVcpusOfADomainThatCanGrow() {
    LibvirtHost host = hosts.host("test:///default");
    String uuid = defineDomainWithOneOfThreeVcpus(host);
    try {
      host.start(uuid);
      List<DomainCounters> counters = host.counters(List.of(uuid), Clock.systemUTC());

      assertThat(counters).hasSize(1);
      assertThat(counters.get(0).vcpuTimeNanos()).hasSize(1);

      host.setVcpus(uuid, 2);
      assertThat(host.counters(List.of(uuid), Clock.systemUTC()).get(0).vcpuTimeNanos()).hasSize(2);
    } finally {
      host.destroy(uuid);
      host.undefine(uuid);
    }
  }

  /**
   * Every operation frees the handles it takes, failed ones too (the test driver has no jobs and
   * the domain no disk), so closing really releases the connection. (createEmptyDisk is not among
   * them: the test driver cannot create the pool it needs.)
   */
  @Test
  void everyOperationFreesItsHandlesSoCloseReleasesTheConnection() {
    HostConnection conn =
        new HostConnection(
            "test:///default", Duration.ofSeconds(5), Duration.ofMillis(1), Clock.systemUTC());
    LibvirtHost host = new LibvirtHost(conn);
    String uuid = defineDomainWithOneOfThreeVcpus(host);
    host.start(uuid);
    assertThat(host.domains()).extracting(DomainSummary::uuid).contains(uuid);
    assertThat(host.domain(uuid)).isPresent();
    assertThat(host.counters(List.of(uuid), Clock.systemUTC())).hasSize(1);
    host.setVcpus(uuid, 2);
    host.setMemoryKiB(uuid, 65536);
    assertThat(host.definition(uuid)).contains(uuid);
    assertThatThrownBy(() -> host.jobStats(uuid, false))
        .isInstanceOf(LibvirtOperationException.class);
    assertThatThrownBy(() -> host.abortJob(uuid)).isInstanceOf(LibvirtOperationException.class);
    assertThatThrownBy(() -> host.diskCapacity(uuid, "vda"))
        .isInstanceOf(LibvirtOperationException.class);
    assertThatThrownBy(() -> host.startPostCopy(uuid))
        .isInstanceOf(LibvirtOperationException.class);
    host.shutdown(uuid); // the test driver's guest stops at once
    host.undefine(uuid);
    assertThat(host.domain(uuid)).isEmpty();

    assertThat(conn.closeReleasing()).isTrue();
  }

  /** Defines a test-driver domain with one vCPU online of three; returns its UUID. */
  private static String defineDomainWithOneOfThreeVcpus(LibvirtHost host) {
    String uuid = UUID.randomUUID().toString();
    host.define(
        """
        <domain type='test'>
          <name>sampler-%s</name>
          <uuid>%s</uuid>
          <memory unit='MiB'>128</memory>
          <vcpu current='1'>3</vcpu>
          <os><type>hvm</type></os>
        </domain>
        """
            .formatted(uuid, uuid));
    return uuid;
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (HostUnreachableException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
