package io.novacron.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The server's certificate and key, swapped in place when the files change: every TLS handshake
 * asks this manager, so a new certificate serves the next connection without a restart. (Vert.x
 * 4.5's {@code updateSSLOptions} fails handshakes that arrive while it rebuilds its context.) Keys
 * in PKCS#8, PKCS#1 (RSA) or SEC1 (EC) PEM are read, as cert-manager and openssl write them.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "novacron-webhooks";

  private record Material(X509Certificate[] chain, PrivateKey key) {}

  private volatile Material material;

  ReloadingKeyManager(Path cert, Path key) throws IOException {
    this.material = read(cert, key);
  }

  /** Loads the files again; on failure the old certificate stays in use. */
  void reload(Path cert, Path key) throws IOException {
    this.material = read(cert, key);
  }

  private static Material read(Path certFile, Path keyFile) throws IOException {
    X509Certificate[] chain;
    try (InputStream in = Files.newInputStream(certFile)) {
      chain =
          CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
              .map(X509Certificate.class::cast)
              .toArray(X509Certificate[]::new);
    } catch (GeneralSecurityException e) {
      throw new IOException(certFile + " holds no readable certificate: " + e.getMessage(), e);
    }
    if (chain.length == 0) {
      throw new IOException(certFile + " holds no certificate");
    }
    PrivateKey key;
    try (Reader in = Files.newBufferedReader(keyFile);
        PEMParser pem = new PEMParser(in)) {
      Object parsed = pem.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (parsed instanceof PEMKeyPair pair) {
        key = converter.getPrivateKey(pair.getPrivateKeyInfo());
      } else if (parsed instanceof PrivateKeyInfo info) {
        key = converter.getPrivateKey(info);
      } else {
        throw new IOException(keyFile + " holds no unencrypted private key");
      }
    }
    if (!belongTogether(chain[0], key)) {
      throw new IOException(
          "the key in " + keyFile + " does not belong to the certificate in " + certFile);
    }
    return new Material(chain, key);
  }

  /** Whether {@code key} signs what the certificate's public key verifies. */
  private static boolean belongTogether(X509Certificate cert, PrivateKey key) {
    String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    try {
      byte[] probe = "novacron".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signer.sign());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private String aliasFor(String keyType) {
    String algorithm = material.key().getAlgorithm();
    boolean fits =
        algorithm.equals(keyType) || ("RSA".equals(algorithm) && "RSASSA-PSS".equals(keyType));
    return fits ? ALIAS : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? material.chain().clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? material.key() : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
