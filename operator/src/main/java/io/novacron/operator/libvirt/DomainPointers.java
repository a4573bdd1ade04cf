package io.novacron.operator.libvirt;

import java.lang.reflect.Field;
import org.libvirt.Domain;
import org.libvirt.jna.DomainPointer;

/**
 * The native pointer inside a libvirt-java {@link Domain}, for the few C calls libvirt-java 0.5.4
 * does not bind (we bind those ourselves with JNA).
 */
final class DomainPointers {
  private static final Field DOMAIN_POINTER = domainPointerField();

  private DomainPointers() {}

  static DomainPointer of(Domain domain) {
    try {
      return (DomainPointer) DOMAIN_POINTER.get(domain);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Field domainPointerField() {
    try {
      Field f = Domain.class.getDeclaredField("vdp");
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("libvirt-java changed: Domain.vdp is gone", e);
    }
  }
}
