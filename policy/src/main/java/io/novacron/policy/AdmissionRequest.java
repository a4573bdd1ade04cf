package io.novacron.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * One create, update or delete of a NovaCron resource. {@code object} is the new state (absent on
 * DELETE), {@code oldObject} the stored one (absent on CREATE).
 */
public record AdmissionRequest(
    Operation operation, String namespace, HasMetadata object, HasMetadata oldObject) {
  public enum Operation {
    CREATE,
    UPDATE,
    DELETE,
    CONNECT
  }
}
