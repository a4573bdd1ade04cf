package io.novacron.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.novacron.policy.testing.MockApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookConfigurationsTest {
  static final Path MANIFEST = Path.of("manifests/webhook-configurations.yaml");

  @Test
  void theCommittedManifestMatchesTheCode() throws Exception {
    if (Boolean.getBoolean("novacron.update")) {
      Files.createDirectories(MANIFEST.getParent());
      Files.writeString(MANIFEST, WebhookConfigurations.yaml());
    }
    assertThat(Files.readString(MANIFEST))
        .as(
            "webhooks/%s is out of date; regenerate it with ./mvnw -pl webhooks test"
                + " -Dtest=WebhookConfigurationsTest -Dnovacron.update=true",
            MANIFEST)
        .isEqualTo(WebhookConfigurations.yaml());
  }

  @Test
  void validationFailsClosedWithinFiveSecondsAndSparesSystemNamespaces() {
    ValidatingWebhook w = WebhookConfigurations.validating().getWebhooks().get(0);
    assertThat(w.getFailurePolicy()).isEqualTo("Fail");
    assertThat(w.getTimeoutSeconds()).isEqualTo(5);
    assertThat(w.getSideEffects()).isEqualTo("None");
    assertThat(w.getMatchPolicy()).isEqualTo("Equivalent");
    assertThat(w.getNamespaceSelector().getMatchExpressions().get(0).getValues())
        .containsExactly("kube-system", "novacron-system");
    assertThat(w.getRules().get(0).getResources())
        .containsExactly("virtualmachines", "migrations", "nodepools", "scalingpolicies");
  }

  @Test
  void selfSignedModePatchesTheCaBundleOfBothConfigurations(@TempDir Path dir) throws Exception {
    try (MockApi api = MockApi.start()) {
      KubernetesClient client = api.client();
      client.resource(WebhookConfigurations.validating()).create();
      client.resource(WebhookConfigurations.mutating()).create();
      var issued =
          SelfSignedCertificates.issue(dir, List.of("novacron-webhooks.novacron-system.svc"));
      WebhookConfigurations.patchCaBundle(client, issued.caPem());

      String bundle =
          client
              .admissionRegistration()
              .v1()
              .validatingWebhookConfigurations()
              .withName(WebhookConfigurations.VALIDATING)
              .get()
              .getWebhooks()
              .get(0)
              .getClientConfig()
              .getCaBundle();
      assertThat(new String(Base64.getDecoder().decode(bundle), StandardCharsets.UTF_8))
          .isEqualTo(issued.caPem())
          .startsWith("-----BEGIN CERTIFICATE-----");
      assertThat(
              client
                  .admissionRegistration()
                  .v1()
                  .mutatingWebhookConfigurations()
                  .withName(WebhookConfigurations.MUTATING)
                  .get()
                  .getWebhooks()
                  .get(0)
                  .getClientConfig()
                  .getCaBundle())
          .isEqualTo(bundle);
    }
  }
}
