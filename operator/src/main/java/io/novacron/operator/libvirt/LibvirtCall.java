package io.novacron.operator.libvirt;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;

/** A unit of work against one host's libvirt connection. */
@FunctionalInterface
public interface LibvirtCall<T> {
  T apply(Connect connection) throws LibvirtException;
}
