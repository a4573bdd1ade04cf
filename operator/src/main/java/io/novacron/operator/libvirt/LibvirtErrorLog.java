package io.novacron.operator.libvirt;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's C library prints every error to stderr unless the process sets a handler, the "Domain
 * not found" of each lookup that is expected to fail included. libvirt-java raises each error as a
 * {@link LibvirtException} all the same (it reads libvirt's last error itself), so the handler set
 * here only moves that print into our log, at DEBUG.
 */
final class LibvirtErrorLog {
  private static final Logger log = LoggerFactory.getLogger(LibvirtErrorLog.class);

  // libvirt calls back through this object for the life of the process: it must stay reachable
  private static final Libvirt.VirErrorCallback TO_DEBUG =
      (userData, error) -> log.debug("libvirt: {}", error.message);

  private static boolean installed;

  private LibvirtErrorLog() {}

  /** Once per process, before the first connection; later calls do nothing. */
  static synchronized void install() {
    if (installed) {
      return;
    }
    try {
      Connect.setErrorCallback(TO_DEBUG);
      installed = true;
    } catch (LibvirtException | RuntimeException | LinkageError e) {
      // libvirt then prints its errors to stderr, as it does by default; nothing else changes
      log.warn("libvirt's errors stay on stderr: {}", e.toString());
    }
  }
}
