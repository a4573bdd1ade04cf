package io.novacron.operator.libvirt;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One {@link HostConnection} per libvirt URI, shared by every reconciler. */
public final class HostConnections implements AutoCloseable {
  private final Duration callTimeout;
  private final Duration backoffMax;
  private final Clock clock;
  private final Map<String, HostConnection> byUri = new ConcurrentHashMap<>();

  public HostConnections(Duration callTimeout, Duration backoffMax, Clock clock) {
    this.callTimeout = callTimeout;
    this.backoffMax = backoffMax;
    this.clock = clock;
  }

  public LibvirtHost host(String uri) {
    return new LibvirtHost(
        byUri.computeIfAbsent(uri, u -> new HostConnection(u, callTimeout, backoffMax, clock)));
  }

  @Override
  public void close() {
    byUri.values().forEach(HostConnection::close);
    byUri.clear();
  }
}
