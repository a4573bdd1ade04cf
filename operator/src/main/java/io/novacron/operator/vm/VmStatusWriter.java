package io.novacron.operator.vm;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineStatus;
import io.novacron.operator.forecast.ForecastPublisher;
import java.util.List;
import java.util.Optional;

/**
 * Writes the VM reconciler's status and puts the result in JOSDK's cache, so the next reconcile
 * sees it even before the informer does. JOSDK's own {@code patchStatus} does not cache: a
 * reconcile started from an older copy whose status was still empty then patched {@code add
 * /status}, erasing the host the VM had just been placed on and started (JOSDK documents this for
 * status that carries allocated values).
 *
 * <p>The patch is computed against the copy the reconcile started from and carries its
 * resourceVersion; on a conflict JOSDK re-applies it to the newer copy. Usage, forecast,
 * recommendation and the Anomalous condition belong to other writers and are kept as the newer copy
 * has them.
 */
final class VmStatusWriter {
  private final KubernetesSerialization serialization;

  VmStatusWriter(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /** A copy of the VM as the reconcile received it, before anything changes it. */
  VirtualMachine snapshot(VirtualMachine vm) {
    return serialization.clone(vm);
  }

  void write(VirtualMachine startedFrom, VirtualMachine reconciled, Context<VirtualMachine> ctx) {
    VirtualMachineStatus ours = reconciled.getStatus();
    PrimaryUpdateAndCacheUtils.patchStatusAndCacheResource(
        startedFrom,
        ctx,
        base -> {
          base.setStatus(keepingOtherWriters(ours, base.getStatus()));
          return base;
        });
  }

  private VirtualMachineStatus keepingOtherWriters(
      VirtualMachineStatus ours, VirtualMachineStatus current) {
    VirtualMachineStatus merged = serialization.clone(ours); // a retry applies this again
    if (current == null) {
      return merged;
    }
    merged.usage = current.usage;
    merged.forecast = current.forecast;
    merged.recommendation = current.recommendation;
    Optional<Condition> anomaly = current.conditions.stream().filter(this::anomalous).findFirst();
    int at = indexOfAnomalous(merged.conditions);
    if (anomaly.isEmpty() && at >= 0) {
      merged.conditions.remove(at);
    } else if (anomaly.isPresent() && at >= 0) {
      merged.conditions.set(at, anomaly.get());
    } else if (anomaly.isPresent()) {
      merged.conditions.add(anomaly.get());
    }
    return merged;
  }

  private int indexOfAnomalous(List<Condition> conditions) {
    for (int i = 0; i < conditions.size(); i++) {
      if (anomalous(conditions.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private boolean anomalous(Condition c) {
    return ForecastPublisher.ANOMALOUS.equals(c.getType());
  }
}
