package io.novacron.operator.domain;

import io.novacron.crds.vm.DiskSpec;
import io.novacron.crds.vm.NetworkSpec;
import io.novacron.crds.vm.VirtualMachineSpec;
import io.novacron.policy.VmResources;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Short hashes of the parts of a VM spec that a running domain cannot change: the domain was
 * started with one set, and any section whose hash differs now needs a restart. vCPUs and memory
 * are absent on purpose: they change live, up to the limits fingerprinted here.
 */
public final class RestartFingerprint {
  private RestartFingerprint() {}

  public static Map<String, String> of(VirtualMachineSpec spec) {
    VmResources res = VmResources.of(spec);
    Map<String, String> sections = new LinkedHashMap<>();
    sections.put(
        "boot", hash(spec.boot.kernel, spec.boot.initrd, spec.boot.cmdline, spec.boot.disk));
    sections.put(
        "disks",
        hash(
            spec.disks.stream()
                .map(RestartFingerprint::describe)
                .collect(Collectors.joining(";"))));
    sections.put(
        "networks",
        hash(
            spec.networks.stream()
                .map(RestartFingerprint::describe)
                .collect(Collectors.joining(";"))));
    sections.put("maxVcpus", Integer.toString(res.maxVcpus()));
    sections.put("maxMemoryKiB", Long.toString(res.maxMemoryKiB()));
    return sections;
  }

  /** Sections whose value differs between what runs and what the spec asks for. */
  public static List<String> changed(Map<String, String> running, Map<String, String> wanted) {
    if (running == null || running.isEmpty()) {
      return List.of();
    }
    return wanted.entrySet().stream()
        .filter(e -> !e.getValue().equals(running.get(e.getKey())))
        .map(Map.Entry::getKey)
        .toList();
  }

  private static String describe(DiskSpec d) {
    return String.join(",", d.name, d.path, d.format.name(), d.bus.name(), "" + d.readOnly);
  }

  private static String describe(NetworkSpec n) {
    return String.join(",", n.name, n.type.name(), "" + n.source, n.model, "" + n.macAddress);
  }

  private static String hash(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        sha.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
