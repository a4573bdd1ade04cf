package io.novacron.operator.libvirt;

/** The host answered, but refused or failed the operation (bad XML, missing file, ...). */
public class LibvirtOperationException extends RuntimeException {
  public LibvirtOperationException(String message, Throwable cause) {
    super(message, cause);
  }
}
