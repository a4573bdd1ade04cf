package io.novacron.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Equality field selectors ({@code involvedObject.name=web-1,type=Warning}) applied to a list,
 * which the Fabric8 mock server ignores; kubectl describe relies on them to find an object's
 * events.
 */
final class FieldSelector {
  private final Map<String, String> equalities;

  private FieldSelector(Map<String, String> equalities) {
    this.equalities = equalities;
  }

  static FieldSelector parse(String selector) {
    Map<String, String> equalities = new LinkedHashMap<>();
    if (selector != null && !selector.isBlank()) {
      for (String term : selector.split(",")) {
        String[] kv = term.split("==?", 2);
        if (kv.length == 2) {
          equalities.put(kv[0].trim(), kv[1].trim());
        }
      }
    }
    return new FieldSelector(equalities);
  }

  /** The list with only matching items (a single object is returned as is). */
  JsonNode filter(JsonNode list) {
    if (equalities.isEmpty() || !list.has("items")) {
      return list;
    }
    ObjectNode copy = ((ObjectNode) list).deepCopy();
    ArrayNode kept = copy.putArray("items");
    list.get("items")
        .forEach(
            item -> {
              if (matches(item)) {
                kept.add(item);
              }
            });
    return copy;
  }

  private boolean matches(JsonNode item) {
    for (var e : equalities.entrySet()) {
      JsonNode node = item;
      for (String part : e.getKey().split("\\.")) {
        node = node.path(part);
      }
      if (!e.getValue().equals(node.asText())) {
        return false;
      }
    }
    return true;
  }
}
