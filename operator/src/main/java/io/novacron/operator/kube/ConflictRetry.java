package io.novacron.operator.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.function.Supplier;

/**
 * Repeats an edit that lost a race. Fabric8's {@code edit}/{@code editStatus} reads the object and
 * patches it with the resourceVersion it read; when another writer (the VM reconciler, a publisher)
 * lands in between, the API answers 409 and Fabric8 does not retry. Each attempt reads afresh.
 */
public final class ConflictRetry {
  private static final int ATTEMPTS = 5;

  private ConflictRetry() {}

  public static <T> T edit(Supplier<T> edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        return edit.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
