package io.novacron.operator.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import org.libvirt.Domain;
import org.libvirt.jna.DomainPointer;

/**
 * Reads a domain's state <em>and reason</em>. libvirt-java 0.5.4 binds only virDomainGetInfo, which
 * has no reason, and runStrategy RerunOnFailure must tell a crash from a guest power-off; so this
 * binds the one missing C call, virDomainGetState, with JNA.
 */
final class DomainStateReader {
  private interface VirDomainGetState extends Library {
    int virDomainGetState(
        DomainPointer domain, IntByReference state, IntByReference reason, int flags);
  }

  private static final VirDomainGetState LIBVIRT = Native.load("virt", VirDomainGetState.class);

  private DomainStateReader() {}

  static DomainPower read(Domain domain) {
    IntByReference state = new IntByReference();
    IntByReference reason = new IntByReference();
    int rc = LIBVIRT.virDomainGetState(DomainPointers.of(domain), state, reason, 0);
    if (rc < 0) {
      throw new LibvirtOperationException("virDomainGetState failed", null);
    }
    return DomainPower.fromLibvirt(state.getValue(), reason.getValue());
  }
}
