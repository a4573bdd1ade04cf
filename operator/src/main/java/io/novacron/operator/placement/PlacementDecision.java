package io.novacron.operator.placement;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The chosen host, or why no host would do (one reason per host). */
public record PlacementDecision(Optional<String> host, Map<String, String> rejections) {

  public String explanation() {
    if (rejections.isEmpty()) {
      return "the pool has no hosts";
    }
    return "no host fits: "
        + rejections.entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining("; "));
  }
}
