package io.novacron.webhooks;

import io.novacron.policy.PolicyFile;
import io.novacron.policy.TenancyPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy from the mounted file, read again whenever the file changes (Kubernetes swaps a
 * ConfigMap volume's files by symlink, which a modification-time check sees; a WatchService on the
 * directory does not reliably). A file that fails to parse leaves the last good policy in force and
 * is reported by {@link #problem()}.
 */
final class PolicySource implements Supplier<TenancyPolicy> {
  private static final Logger log = LoggerFactory.getLogger(PolicySource.class);

  private final Path file;
  private volatile TenancyPolicy current = new TenancyPolicy();
  private volatile String problem;
  private FileTime readAt;

  /** {@code file} may be null: no tenancy rules, only the cluster rules. */
  PolicySource(Path file) {
    this.file = file;
    if (file != null) {
      reloadIfChanged();
    }
  }

  @Override
  public TenancyPolicy get() {
    return current;
  }

  /** Why the file on disk is not in force, if it is not. */
  Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /** Reads the file again if it changed since the last read; safe to call often. */
  synchronized void reloadIfChanged() {
    if (file == null) {
      return;
    }
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      if (modified.equals(readAt)) {
        return;
      }
      readAt = modified;
      current = PolicyFile.read(file);
      problem = null;
      log.info("policy {} loaded: {} namespace rule(s)", file, current.namespaces.size());
    } catch (IOException | IllegalArgumentException e) {
      problem = file + ": " + e.getMessage();
      log.warn("policy {} not loaded, the previous one stays in force: {}", file, e.getMessage());
    }
  }
}
