package io.novacron.e2e;

import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;

/**
 * The tests' own view of a host, straight through libvirt, independent of the operator. Domain
 * handles are freed before the connection closes: one left to the garbage collector keeps the
 * connection open.
 */
final class Libvirt {
  private Libvirt() {}

  /** The domain's state on the host at {@code uri}, or empty when it is not defined there. */
  static Optional<DomainInfo.DomainState> state(String uri, String uuid) {
    try {
      Connect conn = new Connect(uri);
      try {
        Domain d = conn.domainLookupByUUIDString(uuid);
        try {
          return Optional.of(d.getInfo().state);
        } finally {
          d.free();
        }
      } catch (LibvirtException e) {
        return Optional.empty();
      } finally {
        conn.close();
      }
    } catch (LibvirtException e) {
      throw new IllegalStateException("cannot reach " + uri + ": " + e.getMessage(), e);
    }
  }

  static boolean running(String uri, String uuid) {
    return state(uri, uuid).map(s -> s == DomainInfo.DomainState.VIR_DOMAIN_RUNNING).orElse(false);
  }

  static DomainInfo info(String uri, String uuid) {
    return onDomain(uri, uuid, Domain::getInfo);
  }

  /** Destroys the domain behind the operator's back. */
  static void destroy(String uri, String uuid) {
    onDomain(
        uri,
        uuid,
        d -> {
          d.destroy();
          return null;
        });
  }

  /** Asks the guest to power off (ACPI), as an admin on the host would. */
  static void shutdown(String uri, String uuid) {
    onDomain(
        uri,
        uuid,
        d -> {
          d.shutdown();
          return null;
        });
  }

  private interface DomainCall<T> {
    T apply(Domain d) throws LibvirtException;
  }

  private static <T> T onDomain(String uri, String uuid, DomainCall<T> call) {
    try {
      Connect conn = new Connect(uri);
      try {
        Domain d = conn.domainLookupByUUIDString(uuid);
        try {
          return call.apply(d);
        } finally {
          d.free();
        }
      } finally {
        conn.close();
      }
    } catch (LibvirtException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
