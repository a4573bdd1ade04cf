package io.novacron.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.novacron.crds.common.TolerantSerialization;
import io.novacron.crds.nodepool.NodePool;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What is wrong with a resource's spec, as its reconciler reports it in an InvalidSpec condition.
 */
public final class SpecProblems {
  private SpecProblems() {}

  /**
   * The enum values in the spec of this version of {@code resource} that the model lacks (the CRD
   * is newer than the operator); when there are none, what {@code validator} finds. A field holding
   * such a value may read as its default here, so the validator's view of it cannot be trusted.
   * (Such values in the status, written by a newer operator, read as unset; see {@link
   * #unknownStatusValues}.)
   */
  public static List<String> of(
      HasMetadata resource, KubernetesClient client, Supplier<List<String>> validator) {
    List<String> unknown = unknownValues(resource, client, "spec.");
    return unknown.isEmpty() ? validator.get() : unknown;
  }

  /**
   * Why nothing is placed in {@code pool} nor moved within it: the enum values in its spec that the
   * model lacks; empty when it holds none.
   */
  public static Optional<String> poolNotUnderstood(NodePool pool, KubernetesClient client) {
    List<String> unknown = unknownValues(pool, client, "spec.");
    return unknown.isEmpty()
        ? Optional.empty()
        : Optional.of(
            "NodePool '"
                + pool.getMetadata().getName()
                + "' holds values this operator does not know: "
                + String.join("; ", unknown));
  }

  /**
   * The enum values in the status of this version of {@code resource} that the model lacks: a newer
   * operator wrote them, and they read as unset here.
   */
  public static List<String> unknownStatusValues(HasMetadata resource, KubernetesClient client) {
    return unknownValues(resource, client, "status.");
  }

  private static List<String> unknownValues(
      HasMetadata resource, KubernetesClient client, String prefix) {
    return client.getKubernetesSerialization() instanceof TolerantSerialization tolerant
        ? tolerant.unknownValues(resource).stream().filter(p -> p.startsWith(prefix)).toList()
        : List.of();
  }
}
