package io.novacron.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.novacron.crds.common.TolerantSerialization;
import java.util.List;
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
    List<String> unknown = unknownValues(resource, client);
    return unknown.isEmpty() ? validator.get() : unknown;
  }

  /**
   * Only the enum values in the spec of this version of {@code resource} that the model lacks: a
   * pool holding one is not understood, so nothing is placed in it nor moved within it.
   */
  public static List<String> unknownValues(HasMetadata resource, KubernetesClient client) {
    return unknownValues(resource, client, "spec.");
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
