package io.novacron.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.novacron.operator.libvirt.HostConnections;
import io.novacron.operator.libvirt.LibvirtHost;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against two separate instances of libvirt's test driver (one per node file), which number their
 * domains from 1 alike, as two real hosts' daemons do.
 */
class CollectorTest {
  private final HostConnections hosts =
      new HostConnections(Duration.ofSeconds(5), Duration.ofSeconds(30), Clock.systemUTC());
  private final ExecutorService perHost = Executors.newSingleThreadExecutor();

  @AfterEach
  void close() throws InterruptedException {
    perHost.shutdownNow();
    perHost.awaitTermination(10, TimeUnit.SECONDS);
    hosts.close();
  }

  @Test
  void aVmReadOnAnotherHostThanLastTimeStartsItsRatesAfresh(@TempDir Path dir) throws Exception {
    String uid = UUID.randomUUID().toString();
    String source = runningDomainOnAHostOfItsOwn(dir.resolve("source.xml"), uid);
    String target = runningDomainOnAHostOfItsOwn(dir.resolve("target.xml"), uid);
    RunningVms running = new RunningVms();
    List<VmSample> samples = new CopyOnWriteArrayList<>();
    Collector collector =
        new Collector(
            hosts,
            running,
            new KnownHosts(Duration.ofMinutes(1), Clock.systemUTC()),
            List.of((vm, sample) -> samples.add(sample)),
            Duration.ofHours(1),
            Clock.systemUTC(),
            perHost);

    running.running(new RunningVm(uid, "ns", "vm", "pool", "source", source));
    round(collector);
    round(collector);
    assertThat(samples).hasSize(1); // the first reading only sets the counters' start

    // migrated: the same domain ID on the target, whose counters have nothing to do with the
    // source's (the test driver's all grow with the clock, so none goes backwards either)
    running.running(new RunningVm(uid, "ns", "vm", "pool", "target", target));
    round(collector);
    assertThat(samples).hasSize(1);
    round(collector);
    assertThat(samples).hasSize(2);
  }

  private String runningDomainOnAHostOfItsOwn(Path nodeFile, String uuid) throws Exception {
    Files.writeString(nodeFile, "<node></node>\n");
    String uri = "test://" + nodeFile.toAbsolutePath();
    LibvirtHost host = hosts.host(uri);
    host.define(
        """
        <domain type='test'>
          <name>vm</name>
          <uuid>%s</uuid>
          <memory unit='MiB'>128</memory>
          <vcpu>1</vcpu>
          <os><type>hvm</type></os>
        </domain>
        """
            .formatted(uuid));
    host.start(uuid);
    return uri;
  }

  /** One sampling round, waited for: the single host thread has run it when a later task runs. */
  private void round(Collector collector) throws Exception {
    collector.sampleAllHosts();
    perHost.submit(() -> {}).get(30, TimeUnit.SECONDS);
  }
}
