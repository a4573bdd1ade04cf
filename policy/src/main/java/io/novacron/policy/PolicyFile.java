package io.novacron.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.novacron.policy.TenancyPolicy.NamespaceRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a {@link TenancyPolicy} from YAML; unknown keys and impossible limits are errors. */
public final class PolicyFile {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private PolicyFile() {}

  public static TenancyPolicy read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  /**
   * @throws IllegalArgumentException naming the key or limit that is wrong
   */
  public static TenancyPolicy parse(String yaml) {
    TenancyPolicy policy;
    try {
      policy = yaml.isBlank() ? new TenancyPolicy() : YAML.readValue(yaml, TenancyPolicy.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("policy file: " + e.getOriginalMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < policy.namespaces.size(); i++) {
      check(policy.namespaces.get(i), "namespaces[" + i + "]", problems);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("policy file: " + String.join("; ", problems));
    }
    return policy;
  }

  private static void check(NamespaceRules r, String where, List<String> problems) {
    if (r.names.isEmpty() && r.matchLabels.isEmpty()) {
      problems.add(where + " covers no namespace: give names or matchLabels");
    }
    positive(r.maxVcpusPerVm, where + ".maxVcpusPerVm", problems);
    positive(r.quota.vcpus, where + ".quota.vcpus", problems);
    positive(r.quota.vms, where + ".quota.vms", problems);
    bytes(r.maxMemoryPerVm, where + ".maxMemoryPerVm", problems);
    bytes(r.quota.memory, where + ".quota.memory", problems);
  }

  private static void positive(Integer value, String key, List<String> problems) {
    if (value != null && value < 0) {
      problems.add(key + " must not be negative, got " + value);
    }
  }

  private static void bytes(
      io.fabric8.kubernetes.api.model.Quantity q, String key, List<String> p) {
    if (q == null) {
      return;
    }
    try {
      VmResources.kib(q);
    } catch (IllegalArgumentException | ArithmeticException e) {
      p.add(key + ": '" + q + "' is not a valid quantity (e.g. 512Mi, 2Gi)");
    }
  }
}
