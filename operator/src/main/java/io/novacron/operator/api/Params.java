package io.novacron.operator.api;

import io.fabric8.kubernetes.client.utils.KubernetesResourceUtil;
import io.novacron.crds.nodepool.HostSpec;
import io.novacron.policy.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Parsing helpers shared by the request parsers; each failure is a 400 naming the parameter. */
final class Params {
  private static final Pattern HOST_NAME = Pattern.compile(HostSpec.NAME_PATTERN);

  private Params() {}

  /*
   * Names are checked before they reach a query: a name no resource can have is the client's
   * mistake (400), and some (a NUL byte) PostgreSQL would refuse as an encoding error.
   */

  static String namespace(String text) throws BadRequest {
    if (!KubernetesResourceUtil.isValidName(text)) {
      throw BadRequest.invalid(
          "namespace '"
              + text
              + "' is not a Kubernetes namespace name (lowercase letters, digits and '-', at most"
              + " 63)");
    }
    return text;
  }

  /** The name of a VirtualMachine or NodePool (a DNS-1123 subdomain, as Kubernetes requires). */
  static String resourceName(String text, String name) throws BadRequest {
    if (!KubernetesResourceUtil.isValidSubdomainName(text)) {
      throw BadRequest.invalid(
          name
              + " '"
              + text
              + "' is not a Kubernetes resource name (lowercase letters, digits, '-' and '.', at"
              + " most 253)");
    }
    return text;
  }

  static String hostName(String text) throws BadRequest {
    if (!HOST_NAME.matcher(text).matches()) {
      throw BadRequest.invalid(
          "host '" + text + "' is not a NodePool host name (lowercase letters, digits and '-')");
    }
    return text;
  }

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
