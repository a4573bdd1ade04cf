package io.novacron.operator.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A dashboard summary request: {@code window} (default 1h, at most 31 days), optional {@code
 * namespace} and {@code pool}, and {@code top} (default 10, 0-100). The window ends at now rounded
 * down to the sampling interval.
 */
record SummaryQuery(Duration window, Instant to, String namespace, String pool, int top) {
  static final Set<String> PARAMETERS = Set.of("window", "namespace", "pool", "top");
  static final Duration MAX_WINDOW = Duration.ofDays(31);

  static SummaryQuery parse(Map<String, String> params, Instant now, Duration sampleInterval)
      throws BadRequest {
    Params.rejectUnknown(params, PARAMETERS);
    Duration window =
        params.containsKey("window")
            ? Params.duration(params.get("window"), "window")
            : Duration.ofHours(1);
    if (window.isZero() || window.compareTo(MAX_WINDOW) > 0) {
      throw BadRequest.invalid("window must be more than 0 and at most 31 days");
    }
    int top = params.containsKey("top") ? Params.integer(params.get("top"), "top", 0, 100) : 10;
    return new SummaryQuery(
        window,
        Params.floor(now, sampleInterval),
        params.containsKey("namespace") ? Params.namespace(params.get("namespace")) : null,
        params.containsKey("pool") ? Params.resourceName(params.get("pool"), "pool") : null,
        top);
  }

  /** The cache key: every field, the window's end included, so a new bucket is a new entry. */
  String key() {
    return "summary|" + window + "|" + to + "|" + namespace + "|" + pool + "|" + top;
  }
}
