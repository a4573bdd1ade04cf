package io.novacron.webhooks;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private CA and a serving certificate signed by it, for clusters without cert-manager: the
 * server uses the certificate, and the CA goes into the webhook configurations' caBundle.
 */
public final class SelfSignedCertificates {
  private static final Duration VALIDITY = Duration.ofDays(365);

  /** The files written and the CA certificate in PEM, for caBundle. */
  public record Issued(Path cert, Path key, String caPem) {}

  private SelfSignedCertificates() {}

  /**
   * Writes {@code tls.crt} and {@code tls.key} (valid for {@code dnsNames}; IPv4 literals become IP
   * entries) into {@code dir}.
   */
  public static Issued issue(Path dir, List<String> dnsNames) throws IOException {
    try {
      KeyPair caKeys = ecKeys();
      X500Name caName = new X500Name("CN=novacron-webhooks-ca");
      X509Certificate ca =
          sign(
              new JcaX509v3CertificateBuilder(
                      caName, serial(), notBefore(), notAfter(), caName, caKeys.getPublic())
                  .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                  .addExtension(
                      Extension.keyUsage,
                      true,
                      new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
              caKeys);
      KeyPair serverKeys = ecKeys();
      GeneralName[] names =
          dnsNames.stream()
              .map(
                  n ->
                      new GeneralName(
                          n.matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, n))
              .toArray(GeneralName[]::new);
      X509Certificate server =
          sign(
              new JcaX509v3CertificateBuilder(
                      caName,
                      serial(),
                      notBefore(),
                      notAfter(),
                      new X500Name("CN=" + dnsNames.get(0)),
                      serverKeys.getPublic())
                  .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                  .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names)),
              caKeys);
      Files.createDirectories(dir);
      Path cert = dir.resolve("tls.crt");
      Path key = dir.resolve("tls.key");
      String caPem = pem("CERTIFICATE", ca.getEncoded());
      Files.writeString(cert, pem("CERTIFICATE", server.getEncoded()) + caPem);
      Files.writeString(key, pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
      return new Issued(cert, key, caPem);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create the self-signed certificates", e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(System.nanoTime()).abs();
  }

  private static Date notBefore() {
    return Date.from(Instant.now().minus(Duration.ofMinutes(5)));
  }

  private static Date notAfter() {
    return Date.from(Instant.now().plus(VALIDITY));
  }

  static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
