package io.novacron.operator.api;

import io.novacron.policy.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Parsing helpers shared by the request parsers; each failure is a 400 naming the parameter. */
final class Params {
  private Params() {}

  static void rejectUnknown(Map<String, String> params, Set<String> known) throws BadRequest {
    Set<String> unknown = new TreeSet<>(params.keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw BadRequest.invalid(
          "unknown parameter(s) " + unknown + "; expected " + new TreeSet<>(known));
    }
  }

  static Duration duration(String text, String name) throws BadRequest {
    try {
      if (text.matches("\\d{1,9}")) {
        return Duration.ofSeconds(Long.parseLong(text));
      }
      return Durations.parse(text);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw BadRequest.invalid(
          name + " '" + text + "' is not a duration: use seconds or 30s, 5m, 1h, 7d");
    }
  }

  static int integer(String text, String name, int min, int max) throws BadRequest {
    try {
      int v = Integer.parseInt(text);
      if (v < min || v > max) {
        throw BadRequest.invalid(name + " must be between " + min + " and " + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw BadRequest.invalid(name + " '" + text + "' is not a whole number");
    }
  }

  /** {@code t} rounded down to a multiple of {@code unit} since the epoch. */
  static Instant floor(Instant t, Duration unit) {
    long ms = Math.max(1, unit.toMillis());
    return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), ms) * ms);
  }
}
