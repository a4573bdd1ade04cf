package io.novacron.operator.config;

import java.util.function.Function;

/** One configuration option: its key, default (as written by a user) and meaning. */
public record Option<T>(
    String key, String defaultValue, String description, Function<String, T> parser) {

  T parse(String raw) {
    try {
      return parser.apply(raw.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Invalid value '" + raw + "' for " + key + ": " + e.getMessage(), e);
    }
  }
}
