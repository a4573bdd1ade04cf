package io.novacron.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Set;

/** Tells whether a string is a libvirt URI NovaCron can drive. */
public final class LibvirtUris {
  private static final Set<String> TRANSPORTS =
      Set.of("", "ssh", "tls", "tcp", "unix", "libssh", "libssh2");

  private LibvirtUris() {}

  /** The problem with {@code uri}, or empty when it is usable. */
  public static Optional<String> problem(String uri) {
    if (uri == null || uri.isBlank()) {
      return Optional.of("uri is empty");
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      return Optional.of("'" + uri + "' is not a URI: " + e.getReason());
    }
    String scheme = parsed.getScheme();
    if (scheme == null) {
      return Optional.of("'" + uri + "' has no scheme; expected e.g. qemu+ssh://host/system");
    }
    String driver = scheme.contains("+") ? scheme.substring(0, scheme.indexOf('+')) : scheme;
    String transport = scheme.contains("+") ? scheme.substring(scheme.indexOf('+') + 1) : "";
    if (!(driver.equals("qemu") || driver.equals("test")) || !TRANSPORTS.contains(transport)) {
      return Optional.of(
          "'"
              + uri
              + "' is not a libvirt QEMU URI; expected qemu[+ssh|+tls|+tcp|+unix]://[host]/system");
    }
    return Optional.empty();
  }
}
