package io.novacron.policy;

import io.fabric8.kubernetes.api.model.Quantity;
import io.novacron.crds.common.MigrationMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What tenants may do, read from the mounted policy file. Each entry names the namespaces it covers
 * (by name or by labels); the first entry that covers a namespace applies to it, and a namespace no
 * entry covers has no tenancy limits (the cluster rules still hold). An unset limit is no limit.
 */
public class TenancyPolicy {
  public List<NamespaceRules> namespaces = new ArrayList<>();

  /** The rules for a namespace with these labels, if an entry covers it. */
  public Optional<NamespaceRules> rulesFor(String namespace, Map<String, String> labels) {
    return namespaces.stream().filter(r -> r.covers(namespace, labels)).findFirst();
  }

  public static class NamespaceRules {
    /** Namespaces covered by name. */
    public List<String> names = new ArrayList<>();

    /** Namespaces covered by labels: all of these must be on the namespace. */
    public Map<String, String> matchLabels = new LinkedHashMap<>();

    /** NodePools VMs of these namespaces may use; any when empty. */
    public List<String> allowedNodePools = new ArrayList<>();

    public Integer maxVcpusPerVm;
    public Quantity maxMemoryPerVm;
    public Quota quota = new Quota();

    /** Kernel, initrd and disk paths must start with one of these; any path when empty. */
    public List<String> allowedBootPathPrefixes = new ArrayList<>();

    /** Migration modes allowed; all when empty. */
    public List<MigrationMode> allowedMigrationModes = new ArrayList<>();

    boolean covers(String namespace, Map<String, String> labels) {
      if (names.contains(namespace)) {
        return true;
      }
      return !matchLabels.isEmpty()
          && matchLabels.entrySet().stream()
              .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
  }

  /** Totals over all VirtualMachines of one namespace. */
  public static class Quota {
    public Integer vcpus;
    public Quantity memory;
    public Integer vms;
  }
}
