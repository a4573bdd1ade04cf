package io.novacron.policy;

import java.util.List;
import java.util.stream.Stream;

/**
 * The answer to an admission request: allowed, or denied by the named rule with a message that says
 * what the limit is. Warnings go back to the user either way.
 */
public record Verdict(boolean allowed, String rule, String message, List<String> warnings) {
  public static Verdict allow(List<String> warnings) {
    return new Verdict(true, null, null, List.copyOf(warnings));
  }

  /** The denial as users see it, from the webhook and from the reconcilers alike. */
  public String describe() {
    return allowed ? "allowed" : "denied by rule " + rule + ": " + message;
  }

  public static Verdict deny(String rule, String message, List<String> warnings) {
    return new Verdict(false, rule, message, List.copyOf(warnings));
  }

  /** The same answer with one more warning after the others. */
  public Verdict withWarning(String warning) {
    return new Verdict(
        allowed, rule, message, Stream.concat(warnings.stream(), Stream.of(warning)).toList());
  }
}
