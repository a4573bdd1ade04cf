package io.novacron.operator.libvirt;

/** The host's libvirt daemon could not be reached, or did not answer in time. */
public class HostUnreachableException extends RuntimeException {
  public HostUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
