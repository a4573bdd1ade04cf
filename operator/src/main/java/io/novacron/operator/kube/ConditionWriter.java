package io.novacron.operator.kube;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.novacron.crds.common.Conditions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Sets standard Kubernetes conditions, keeping lastTransitionTime when the status holds. */
public final class ConditionWriter {
  private final Clock clock;

  public ConditionWriter(Clock clock) {
    this.clock = clock;
  }

  /**
   * Sets a condition.
   *
   * @return true when its status or reason changed (worth an Event)
   */
  public boolean set(
      List<Condition> conditions,
      String type,
      boolean status,
      String reason,
      String message,
      Long generation) {
    String statusText = status ? Conditions.TRUE : Conditions.FALSE;
    Optional<Condition> existing = find(conditions, type);
    boolean transition = existing.map(c -> !statusText.equals(c.getStatus())).orElse(true);
    boolean changed =
        transition || existing.map(c -> !Objects.equals(reason, c.getReason())).orElse(true);
    String transitionTime =
        transition ? now() : existing.map(Condition::getLastTransitionTime).orElseGet(this::now);
    existing.ifPresent(conditions::remove);
    conditions.add(
        new ConditionBuilder()
            .withType(type)
            .withStatus(statusText)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(transitionTime)
            .build());
    conditions.sort((a, b) -> a.getType().compareTo(b.getType()));
    return changed;
  }

  public void remove(List<Condition> conditions, String type) {
    conditions.removeIf(c -> type.equals(c.getType()));
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public String now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
