package io.novacron.policy;

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
public final class PolicySource implements Supplier<TenancyPolicy> {
  private static final Logger log = LoggerFactory.getLogger(PolicySource.class);

  private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

  private final Path file;
  private volatile TenancyPolicy current = new TenancyPolicy();
  private volatile String problem;
  private FileTime readAt;
  private volatile long checkedAt = System.nanoTime();

  /** {@code file} may be null: no tenancy rules, only the cluster rules. */
  public PolicySource(Path file) {
    this.file = file;
    if (file != null) {
      reloadIfChanged();
    }
  }

  /** The policy in force; looks at the file at most once a second. */
  @Override
  public TenancyPolicy get() {
    long now = System.nanoTime();
    if (now - checkedAt > CHECK_EVERY_NANOS) {
      checkedAt = now;
      reloadIfChanged();
    }
    return current;
  }

  /** Why the file on disk is not in force, if it is not (as of the latest {@link #get()}). */
  public Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /** Reads the file again if it changed since the last read. */
  private synchronized void reloadIfChanged() {
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
