package io.novacron.operator.api;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;

/**
 * The {@code from}, {@code to} and {@code step} of a history request, parsed and bounded. Times are
 * RFC 3339 or Unix seconds; {@code to} defaults to now (rounded down to the sampling interval, so
 * requests within one interval share a cache entry), {@code from} to one hour before {@code to},
 * and {@code step} to the range divided into about 360 points, never under the sampling interval.
 */
record RangeQuery(Instant from, Instant to, Duration step, boolean open) {
  static final Set<String> PARAMETERS = Set.of("from", "to", "step");
  static final Duration MAX_RANGE = Duration.ofDays(400);
  static final long MAX_POINTS = 11_000;
  private static final Duration DEFAULT_RANGE = Duration.ofHours(1);
  private static final long DEFAULT_POINTS = 360;

  static RangeQuery parse(Map<String, String> params, Instant now, Duration sampleInterval)
      throws BadRequest {
    Params.rejectUnknown(params, PARAMETERS);
    Instant currentBucket = Params.floor(now, sampleInterval);
    Instant to = params.containsKey("to") ? time(params.get("to"), "to") : currentBucket;
    Instant from =
        params.containsKey("from") ? time(params.get("from"), "from") : to.minus(DEFAULT_RANGE);
    if (!from.isBefore(to)) {
      throw BadRequest.invalid("from (" + from + ") must be before to (" + to + ")");
    }
    Duration range = Duration.between(from, to);
    if (range.compareTo(MAX_RANGE) > 0) {
      throw BadRequest.invalid("range " + range.toDays() + " days is longer than 400 days");
    }
    Duration step =
        params.containsKey("step")
            ? Params.duration(params.get("step"), "step")
            : defaultStep(range, sampleInterval);
    if (step.isZero() || step.isNegative()) {
      throw BadRequest.invalid("step must be greater than zero");
    }
    long points = range.toMillis() / Math.max(1, step.toMillis());
    if (points > MAX_POINTS) {
      throw BadRequest.invalid(
          "range / step gives "
              + points
              + " points, more than "
              + MAX_POINTS
              + "; use a larger step");
    }
    return new RangeQuery(from, to, step, !to.isBefore(currentBucket));
  }

  private static Duration defaultStep(Duration range, Duration sampleInterval) {
    long seconds = Math.max(1, (range.toSeconds() + DEFAULT_POINTS - 1) / DEFAULT_POINTS);
    Duration step = Duration.ofSeconds(seconds);
    return step.compareTo(sampleInterval) < 0 ? sampleInterval : step;
  }

  private static Instant time(String text, String name) throws BadRequest {
    try {
      if (text.matches("\\d{1,12}(\\.\\d{1,9})?")) {
        return Instant.ofEpochMilli(Math.round(Double.parseDouble(text) * 1000));
      }
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException | NumberFormatException e) {
      throw BadRequest.invalid(
          name
              + " '"
              + text
              + "' is not a time: use RFC 3339 (2026-11-22T10:00:00Z) or Unix seconds");
    }
  }
}
