package io.novacron.webhooks;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.novacron.crds.common.TolerantSerialization;
import io.novacron.policy.InformerClusterView;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the admission server. Options: {@code --port} (8443), {@code --host} (0.0.0.0), {@code
 * --policy FILE}, and either {@code --cert FILE --key FILE} or {@code --self-signed DIR}, which
 * creates a CA and certificate in DIR and patches the caBundle of the webhook configurations.
 */
public final class WebhookMain {
  private WebhookMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withKubernetesSerialization(new TolerantSerialization())
            .build();
    Path cert;
    Path key;
    if (opts.containsKey("self-signed")) {
      String service =
          WebhookConfigurations.SERVICE + "." + WebhookConfigurations.OPERATOR_NAMESPACE;
      var issued =
          SelfSignedCertificates.issue(
              Path.of(opts.get("self-signed")), List.of(service + ".svc", service, "localhost"));
      WebhookConfigurations.patchCaBundle(client, issued.caPem());
      cert = issued.cert();
      key = issued.key();
    } else if (opts.containsKey("cert") && opts.containsKey("key")) {
      cert = Path.of(opts.get("cert"));
      key = Path.of(opts.get("key"));
    } else {
      throw new IllegalArgumentException("give --cert and --key, or --self-signed DIR");
    }
    Path policy = opts.containsKey("policy") ? Path.of(opts.get("policy")) : null;
    InformerClusterView cluster = new InformerClusterView(client);
    AdmissionServer server = new AdmissionServer(cert, key, policy, cluster);
    server.start(
        opts.getOrDefault("host", "0.0.0.0"), Integer.parseInt(opts.getOrDefault("port", "8443")));
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  cluster.close();
                  client.close();
                  stop.countDown();
                }));
    stop.await();
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    return opts;
  }
}
