package io.novacron.policy;

import io.novacron.crds.common.Backend;
import io.novacron.crds.nodepool.HostSpec;
import io.novacron.crds.nodepool.NodePoolSpec;
import io.novacron.crds.nodepool.RebalancingSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks a NodePool spec; a bad host entry never stops the pool's good hosts from working. */
public final class NodePoolValidator {
  private NodePoolValidator() {}

  /** Problems with the pool as a whole. */
  public static List<String> poolProblems(NodePoolSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      return List.of("spec is missing");
    }
    KnownValue.require(problems, "spec.backend", spec.backend, Backend.values());
    KnownValue.require(problems, "spec.storage", spec.storage, NodePoolSpec.Storage.values());
    if (spec.rebalancing != null) {
      KnownValue.require(
          problems,
          "spec.rebalancing.automation",
          spec.rebalancing.automation,
          RebalancingSpec.Automation.values());
    }
    if (spec.backend == Backend.KubeVirt) {
      problems.add("the KubeVirt backend is not implemented yet; use backend Libvirt");
    }
    if (spec.backend == Backend.Libvirt && spec.hosts.isEmpty()) {
      problems.add("a Libvirt pool needs at least one host");
    }
    Set<String> names = new HashSet<>();
    for (HostSpec h : spec.hosts) {
      if (h.name != null && !names.add(h.name)) {
        problems.add("host name " + h.name + " is used twice");
      }
    }
    if (spec.overcommit != null && (spec.overcommit.cpu <= 0 || spec.overcommit.memory <= 0)) {
      problems.add("overcommit ratios must be positive");
    }
    if (spec.rebalancing != null
        && (spec.rebalancing.threshold < 1 || spec.rebalancing.threshold > 5)) {
      problems.add("rebalancing.threshold must be between 1 and 5");
    }
    if (spec.rebalancing != null && !isPositiveDuration(spec.rebalancing.interval)) {
      problems.add(
          "rebalancing.interval must be a duration like 30s, 5m or 1h, not \""
              + spec.rebalancing.interval
              + "\"");
    }
    return problems;
  }

  private static boolean isPositiveDuration(String text) {
    try {
      return text != null && !Durations.parse(text).isZero();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The problem with one host entry, or null. */
  public static String hostProblem(HostSpec host) {
    if (host.name == null || host.name.isBlank()) {
      return "host has no name";
    }
    return LibvirtUris.problem(host.uri).orElse(null);
  }
}
