package io.novacron.operator.metrics;

import io.novacron.operator.DaemonThreads;
import io.novacron.operator.libvirt.DomainCounters;
import io.novacron.operator.libvirt.HostConnections;
import io.novacron.operator.libvirt.HostUnreachableException;
import io.novacron.operator.libvirt.LibvirtOperationException;
import io.novacron.operator.metrics.RunningVms.RunningVm;
import java.time.Clock;
import java.time.Duration;
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
 * Samples every running VirtualMachine on an interval, one task per host so a slow host only delays
 * itself, turns counters into rates and hands them to the {@link UsagePublisher}.
 */
public final class Collector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Collector.class);

  private final HostConnections hosts;
  private final RunningVms running;
  private final List<SampleSink> sinks;
  private final Duration interval;
  private final Clock clock;
  private final ExecutorService perHost;
  private final ScheduledExecutorService ticker;
  private final Map<String, DomainCounters> previous = new ConcurrentHashMap<>();
  private final Set<String> hostsInFlight = ConcurrentHashMap.newKeySet();

  public Collector(
      HostConnections hosts,
      RunningVms running,
      List<SampleSink> sinks,
      Duration interval,
      Clock clock,
      ExecutorService perHost) {
    this.hosts = hosts;
    this.running = running;
    this.sinks = List.copyOf(sinks);
    this.interval = interval;
    this.clock = clock;
    this.perHost = perHost;
    this.ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("collector"));
  }

  public Collector start() {
    ticker.scheduleWithFixedDelay(
        this::sampleAllHosts, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** One sampling round: a task per host that has running VMs of ours. */
  void sampleAllHosts() {
    try {
      Map<String, Map<String, RunningVm>> byHostUri = running.byHost();
      Set<String> live =
          byHostUri.values().stream().flatMap(m -> m.keySet().stream()).collect(Collectors.toSet());
      previous.keySet().retainAll(live);
      sinks.forEach(sink -> sink.retainOnly(live));
      byHostUri.forEach(
          (uri, vmsByUid) -> {
            if (hostsInFlight.add(uri)) {
              perHost.execute(() -> sampleHost(uri, vmsByUid));
            }
          });
    } catch (RuntimeException e) {
      log.warn("Sampling round failed", e); // the next round starts afresh
    }
  }

  private void sampleHost(String uri, Map<String, RunningVm> vmsByUid) {
    try {
      List<DomainCounters> counters = hosts.host(uri).counters(vmsByUid.keySet(), clock);
      for (DomainCounters c : counters) {
        DomainCounters before = previous.put(c.uuid(), c);
        RateCalculator.rates(before, c)
            .ifPresent(
                sample -> sinks.forEach(sink -> sink.accept(vmsByUid.get(c.uuid()), sample)));
      }
    } catch (HostUnreachableException | LibvirtOperationException e) {
      log.debug("Skipping host {} this round: {}", uri, e.getMessage());
    } finally {
      hostsInFlight.remove(uri);
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
