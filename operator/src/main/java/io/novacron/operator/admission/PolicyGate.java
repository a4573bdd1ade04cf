package io.novacron.operator.admission;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.novacron.policy.AdmissionRequest;
import io.novacron.policy.AdmissionRequest.Operation;
import io.novacron.policy.AdmissionRules;
import io.novacron.policy.ClusterView;
import io.novacron.policy.Verdict;
import java.util.Optional;

/**
 * The admission webhooks' rules as the reconcilers apply them, so they hold where no webhook is
 * installed: a new VM is not placed, a new Migration fails and a NodePool with VMs keeps its
 * finalizer, each with the message the webhook would have given. Resources already running are
 * never stopped because a policy tightened.
 */
public final class PolicyGate {
  private final AdmissionRules rules;
  private final ClusterView cluster;

  public PolicyGate(AdmissionRules rules, ClusterView cluster) {
    this.rules = rules;
    this.cluster = cluster;
  }

  /** Why creating {@code resource} would be denied; empty when it would be allowed. */
  public Optional<String> creationRefusal(HasMetadata resource) {
    return refusal(
        new AdmissionRequest(
            Operation.CREATE, resource.getMetadata().getNamespace(), resource, null));
  }

  /** Why deleting {@code resource} would be denied; empty when it would be allowed. */
  public Optional<String> deletionRefusal(HasMetadata resource) {
    return refusal(
        new AdmissionRequest(
            Operation.DELETE, resource.getMetadata().getNamespace(), null, resource));
  }

  private Optional<String> refusal(AdmissionRequest request) {
    Verdict verdict = rules.review(request, cluster);
    return verdict.allowed() ? Optional.empty() : Optional.of(verdict.describe());
  }
}
