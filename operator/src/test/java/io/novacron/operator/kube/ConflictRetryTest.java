package io.novacron.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConflictRetryTest {
  private static KubernetesClientException status(int code) {
    return new KubernetesClientException(new StatusBuilder().withCode(code).build());
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
    assertThatThrownBy(
            () ->
                ConflictRetry.edit(
                    () -> {
                      calls.incrementAndGet();
                      throw status(404);
                    }))
        .isInstanceOf(KubernetesClientException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void aConflictThatPersistsIsReportedAfterFiveAttempts() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                ConflictRetry.edit(
                    () -> {
                      calls.incrementAndGet();
                      throw status(409);
                    }))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(calls).hasValue(5);
  }
}
