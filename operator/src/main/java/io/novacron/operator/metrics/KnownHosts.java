package io.novacron.operator.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hosts of every NodePool, as the NodePool reconciler last saw them; the collector samples each
 * of them. A pool not refreshed within {@code staleAfter} (deleted, or its operator instance gone)
 * stops being sampled.
 */
public final class KnownHosts {
  /** A pool host and its libvirt URI. */
  public record PoolHost(String pool, String host, String uri) {}

  private record Seen(Map<String, String> uriByHost, Instant at) {}

  private final Map<String, Seen> byPool = new ConcurrentHashMap<>();
  private final Duration staleAfter;
  private final Clock clock;

  public KnownHosts(Duration staleAfter, Clock clock) {
    this.staleAfter = staleAfter;
    this.clock = clock;
  }

  public void pool(String pool, Map<String, String> uriByHost) {
    byPool.put(pool, new Seen(Map.copyOf(uriByHost), clock.instant()));
  }

  /** Fresh pool hosts by URI (a URI listed in two pools is sampled once, for either). */
  Map<String, PoolHost> byUri() {
    Instant oldest = clock.instant().minus(staleAfter);
    byPool.values().removeIf(seen -> seen.at().isBefore(oldest));
    Map<String, PoolHost> result = new HashMap<>();
    byPool.forEach(
        (pool, seen) ->
            seen.uriByHost()
                .forEach((host, uri) -> result.put(uri, new PoolHost(pool, host, uri))));
    return result;
  }
}
