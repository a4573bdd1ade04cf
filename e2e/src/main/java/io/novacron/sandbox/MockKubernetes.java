package io.novacron.sandbox;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.novacron.crds.common.TolerantSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * A Kubernetes API for the sandbox and the tests: Fabric8's mock server in CRUD mode with
 * NovaCron's CRDs installed, plus the discovery documents and table output kubectl needs.
 */
public final class MockKubernetes implements AutoCloseable {
  static final List<String> CRD_FILES =
      List.of("virtualmachines", "nodepools", "migrations", "scalingpolicies");

  /** Held so the level set on it survives (java.util.logging keeps loggers weakly). */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;
  private final KubectlDispatcher dispatcher;
  private final KubernetesClient client;

  private MockKubernetes(int port) {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING); // it logs every request at INFO
    List<CustomResourceDefinition> crds = loadCrds();
    dispatcher = new KubectlDispatcher(crds);
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    try {
      server.init(InetAddress.getLoopbackAddress(), port);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
    client =
        server.createClient(
            builder -> builder.withKubernetesSerialization(new TolerantSerialization()));
    crds.forEach(crd -> client.resource(crd).create());
  }

  /** Starts the API on {@code port} (0 picks a free one). */
  public static MockKubernetes start(int port) {
    return new MockKubernetes(port);
  }

  public KubernetesClient client() {
    return client;
  }

  /**
   * From now on, writes of NovaCron resources go through the admission webhooks at {@code
   * webhooks}, whose certificate must chain to {@code caPem}, as a real API server would send them.
   */
  public void admitThrough(java.net.URI webhooks, String caPem) {
    dispatcher.admitThrough(new SandboxAdmission(webhooks, caPem));
  }

  public String url() {
    return client.getMasterUrl().toString();
  }

  /** Writes a kubeconfig for kubectl pointing at this API, default namespace "default". */
  public Path writeKubeconfig(Path file) {
    String config =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: novacron-sandbox
          cluster:
            server: %s
        users:
        - name: novacron-sandbox
          user:
            token: sandbox
        contexts:
        - name: novacron-sandbox
          context:
            cluster: novacron-sandbox
            user: novacron-sandbox
            namespace: default
        current-context: novacron-sandbox
        """
            .formatted(url().replaceAll("/$", ""));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  static List<CustomResourceDefinition> loadCrds() {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    for (String name : CRD_FILES) {
      try (InputStream in =
          MockKubernetes.class.getResourceAsStream(
              "/META-INF/fabric8/" + name + ".novacron.io-v1.yml")) {
        if (in == null) {
          throw new IllegalStateException("CRD " + name + " missing from the class path");
        }
        crds.add(
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
                .unmarshal(in, CustomResourceDefinition.class));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return crds;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
