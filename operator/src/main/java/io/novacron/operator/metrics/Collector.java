package io.novacron.operator.metrics;

import io.novacron.operator.DaemonThreads;
import io.novacron.operator.libvirt.DomainCounters;
import io.novacron.operator.libvirt.HostConnections;
import io.novacron.operator.libvirt.HostCounters;
import io.novacron.operator.libvirt.HostUnreachableException;
import io.novacron.operator.libvirt.LibvirtHost;
import io.novacron.operator.libvirt.LibvirtOperationException;
import io.novacron.operator.metrics.KnownHosts.PoolHost;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples every pool host and every running VirtualMachine on an interval, one task per host so a
 * slow host only delays itself, turns counters into rates and hands them to the sinks (status
 * publisher, metric history).
 */
public final class Collector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Collector.class);

  private final HostConnections hosts;
  private final RunningVms running;
  private final KnownHosts knownHosts;
  private final List<SampleSink> sinks;
  private final Duration interval;
  private final Clock clock;
  private final ExecutorService perHost;
  private final ScheduledExecutorService ticker;
  private final Map<String, Reading> previous = new ConcurrentHashMap<>();
  private final Map<String, HostCounters> previousHost = new ConcurrentHashMap<>();
  private final Set<String> hostsInFlight = ConcurrentHashMap.newKeySet();

  public Collector(
      HostConnections hosts,
      RunningVms running,
      KnownHosts knownHosts,
      List<SampleSink> sinks,
      Duration interval,
      Clock clock,
      ExecutorService perHost) {
    this.hosts = hosts;
    this.running = running;
    this.knownHosts = knownHosts;
    this.sinks = List.copyOf(sinks);
    this.interval = interval;
    this.clock = clock;
    this.perHost = perHost;
    this.ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("collector"));
  }

  public Collector start() {
    // at a fixed rate, each host's samples keep their seconds within the minute, which the
    // forecaster's minute profile learns from; a round only hands hosts to their tasks and skips
    // hosts still in flight, so a slow host never makes rounds bunch up
    ticker.scheduleAtFixedRate(
        this::sampleAllHosts, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** One sampling round: a task per pool host or host with running VMs of ours. */
  void sampleAllHosts() {
    try {
      Map<String, Map<String, RunningVm>> vmsByHostUri = running.byHost();
      Map<String, PoolHost> poolHosts = knownHosts.byUri();
      Set<String> live =
          vmsByHostUri.values().stream()
              .flatMap(m -> m.keySet().stream())
              .collect(Collectors.toSet());
      previous.keySet().retainAll(live);
      previousHost.keySet().retainAll(poolHosts.keySet());
      sinks.forEach(sink -> sink.retainOnly(live));
      Set<String> uris = new HashSet<>(poolHosts.keySet());
      uris.addAll(vmsByHostUri.keySet());
      for (String uri : uris) {
        if (hostsInFlight.add(uri)) {
          perHost.execute(
              () -> sampleHost(uri, poolHosts.get(uri), vmsByHostUri.getOrDefault(uri, Map.of())));
        }
      }
    } catch (RuntimeException e) {
      log.warn("Sampling round failed", e); // the next round starts afresh
    }
  }

  private void sampleHost(String uri, PoolHost poolHost, Map<String, RunningVm> vmsByUid) {
    try {
      LibvirtHost host = hosts.host(uri);
      if (poolHost != null) {
        HostCounters now = host.hostCounters(clock);
        HostCounters before = previousHost.put(uri, now);
        if (before != null) {
          HostSample sample = RateCalculator.hostRates(before, now, poolHost);
          sinks.forEach(sink -> sink.acceptHost(sample));
        }
      }
      if (!vmsByUid.isEmpty()) {
        for (DomainCounters c : host.counters(vmsByUid.keySet(), clock)) {
          Reading before = previous.put(c.uuid(), new Reading(uri, c));
          // on another host than last time the domain was migrated: its counters began afresh
          // there, and libvirt numbers domains per host, so their run IDs may well be equal
          DomainCounters sameHost =
              before != null && before.hostUri().equals(uri) ? before.counters() : null;
          RateCalculator.rates(sameHost, c)
              .ifPresent(
                  sample -> sinks.forEach(sink -> sink.accept(vmsByUid.get(c.uuid()), sample)));
        }
      }
    } catch (HostUnreachableException | LibvirtOperationException e) {
      log.debug("Skipping host {} this round: {}", uri, e.getMessage());
    } finally {
      hostsInFlight.remove(uri);
    }
  }

  /** A VM's counters and the host they were read from. */
  private record Reading(String hostUri, DomainCounters counters) {}

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
