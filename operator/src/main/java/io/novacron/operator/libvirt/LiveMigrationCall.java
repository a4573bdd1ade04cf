package io.novacron.operator.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Domain.MigrateFlags;
import org.libvirt.LibvirtException;

/**
 * One peer-to-peer live migration. libvirt's migrate call blocks until the guest has moved (or the
 * job failed or was aborted), so it runs on a thread of its own with a connection of its own, never
 * on a host's shared connection thread; progress, abort and the post-copy switch go through the
 * shared connection meanwhile.
 */
public final class LiveMigrationCall {
  /** libvirt-java 0.5.4 does not bind virDomainMigrateStartPostCopy. */
  private interface VirDomainMigrateStartPostCopy extends Library {
    int virDomainMigrateStartPostCopy(org.libvirt.jna.DomainPointer domain, int flags);
  }

  private static final VirDomainMigrateStartPostCopy LIBVIRT =
      Native.load("virt", VirDomainMigrateStartPostCopy.class);

  /**
   * What to ask libvirt for. Null numbers mean libvirt's defaults. {@code copyStorage}: copy the
   * writable disks (their files must exist, empty, on the target).
   */
  public record Options(
      boolean postCopy,
      Long bandwidthMiBps,
      Long maxDowntimeMillis,
      boolean autoConverge,
      boolean compression,
      boolean copyStorage) {}

  private LiveMigrationCall() {}

  /**
   * Moves the running domain {@code uuid} from {@code sourceUri} to {@code targetUri}, with its
   * persistent definition; the source definition is removed. Blocks until done.
   *
   * @throws LibvirtOperationException with libvirt's message when the migration fails or is aborted
   */
  public static void migrate(String sourceUri, String targetUri, String uuid, Options options) {
    Connect source = null;
    LibvirtErrorLog.install();
    try {
      source = new Connect(sourceUri, false);
      Domain domain = source.domainLookupByUUIDString(uuid);
      try {
        if (options.maxDowntimeMillis() != null) {
          // Set before the job starts: it then holds from the first iteration (measured: 12-33 ms
          // downtime at 20 ms on these hosts).
          domain.migrateSetMaxDowntime(options.maxDowntimeMillis());
        }
        long bandwidth = options.bandwidthMiBps() == null ? 0 : options.bandwidthMiBps();
        domain.migrateToURI(targetUri, flags(options), null, bandwidth);
      } finally {
        LibvirtHost.free(domain); // or the source connection stays open after close
      }
    } catch (LibvirtException e) {
      throw new LibvirtOperationException("migration failed: " + e.getMessage(), e);
    } finally {
      if (source != null) {
        try {
          source.close();
        } catch (LibvirtException e) {
          // the migration's outcome is already decided
        }
      }
    }
  }

  private static long flags(Options o) {
    long flags =
        MigrateFlags.LIVE
            | MigrateFlags.PEER2PEER
            | MigrateFlags.PERSIST_DEST
            | MigrateFlags.UNDEFINE_SOURCE
            | MigrateFlags.ABORT_ON_ERROR;
    if (o.postCopy()) {
      flags |= MigrateFlags.POSTCOPY;
    }
    if (o.autoConverge()) {
      flags |= MigrateFlags.AUTO_CONVERGE;
    }
    if (o.compression()) {
      flags |= MigrateFlags.COMPRESSED;
    }
    if (o.copyStorage()) {
      flags |= MigrateFlags.NON_SHARED_DISK;
    }
    return flags;
  }

  static void startPostCopy(Domain domain) throws LibvirtException {
    if (LIBVIRT.virDomainMigrateStartPostCopy(DomainPointers.of(domain), 0) < 0) {
      throw new LibvirtOperationException(
          "could not switch to post-copy (is the migration still in its first pass?)", null);
    }
  }
}
