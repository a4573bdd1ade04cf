package io.novacron.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ConflictRetryTest {
  private static KubernetesClientException status(int code) {
    return new KubernetesClientException(new StatusBuilder().withCode(code).build());
  }

  private static Supplier<String> alwaysFailing(int code, AtomicInteger calls) {
    return () -> {
      calls.incrementAndGet();
      throw status(code);
    };
  }

  @Test
  void anEditThatLostARaceIsRepeatedUntilItLands() {
    AtomicInteger calls = new AtomicInteger();
    String result =
        ConflictRetry.edit(
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw status(409);
              }
              return "written";
            });
    assertThat(result).isEqualTo("written");
    assertThat(calls).hasValue(3);
  }

  @Test
  void otherFailuresAreNotRepeated() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> ConflictRetry.edit(alwaysFailing(404, calls)))
        .isInstanceOf(KubernetesClientException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void aConflictThatPersistsIsReportedAfterFiveAttempts() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> ConflictRetry.edit(alwaysFailing(409, calls)))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(calls).hasValue(5);
  }
}
