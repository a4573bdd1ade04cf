package io.novacron.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.novacron.policy.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorConfigTest {
  @Test
  void defaultsApplyWhenNothingIsSet() {
    OperatorConfig config = OperatorConfig.from(Map.of());
    assertThat(config.get(OperatorConfig.DOMAIN_TYPE)).isEqualTo("kvm");
    assertThat(config.get(OperatorConfig.LIBVIRT_CALL_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.get(OperatorConfig.NAMESPACES)).isEmpty();
  }

  @Test
  void environmentOverridesFileWhichOverridesDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("novacron.properties");
    Files.writeString(file, "NOVACRON_DOMAIN_TYPE=qemu\nNOVACRON_VM_POLL_INTERVAL=1m30s\n");
    OperatorConfig config =
        OperatorConfig.from(
            Map.of(
                OperatorConfig.CONFIG_FILE_KEY,
                file.toString(),
                "NOVACRON_VM_POLL_INTERVAL",
                "5s",
                "NOVACRON_NAMESPACES",
                "a, b,,"));
    assertThat(config.get(OperatorConfig.DOMAIN_TYPE)).isEqualTo("qemu");
    assertThat(config.get(OperatorConfig.VM_POLL_INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.get(OperatorConfig.NAMESPACES)).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void badValuesFailAtStartWithTheKeyNamed(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> OperatorConfig.from(Map.of("NOVACRON_POOL_POLL_INTERVAL", "soon")))
        .hasMessageContaining("NOVACRON_POOL_POLL_INTERVAL")
        .hasMessageContaining("soon");
    assertThatThrownBy(() -> OperatorConfig.from(Map.of("NOVACRON_DOMAIN_TYPE", "xen")))
        .hasMessageContaining("expected kvm or qemu");
    Path file = dir.resolve("typo.properties");
    Files.writeString(file, "NOVACRON_DOMAN_TYPE=qemu\n");
    assertThatThrownBy(
            () -> OperatorConfig.from(Map.of(OperatorConfig.CONFIG_FILE_KEY, file.toString())))
        .hasMessageContaining("Unknown option NOVACRON_DOMAN_TYPE");
    assertThatThrownBy(
            () -> OperatorConfig.from(Map.of(OperatorConfig.CONFIG_FILE_KEY, "/nonexistent/x")))
        .hasMessageContaining("Cannot read configuration file");
  }

  @Test
  void databasePasswordComesFromItsFileAndIsNeverPrinted(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("password");
    Files.writeString(secret, "s3cret\n");
    var settings =
        OperatorConfig.from(
                Map.of(
                    "NOVACRON_DATABASE_URL",
                    "jdbc:postgresql://db:5432/novacron",
                    "NOVACRON_DATABASE_PASSWORD_FILE",
                    secret.toString()))
            .databaseSettings();
    assertThat(settings.embedded()).isFalse();
    assertThat(settings.password()).isEqualTo("s3cret");
    assertThat(settings.toString()).doesNotContain("s3cret");
    assertThat(OperatorConfig.from(Map.of()).databaseSettings().embedded()).isTrue();
    assertThatThrownBy(
            () ->
                OperatorConfig.from(Map.of("NOVACRON_DATABASE_PASSWORD_FILE", "/nonexistent/pw"))
                    .databaseSettings())
        .hasMessageContaining("Cannot read NOVACRON_DATABASE_PASSWORD_FILE");
  }

  @Test
  void durationsParseKubernetesStyle() {
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThatThrownBy(() -> Durations.parse("10")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("5m junk"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readmeConfigurationTableMatchesTheOptions() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    assertThat(readme)
        .as("README.md's configuration table is out of date; paste OperatorConfig.markdownTable()")
        .contains(OperatorConfig.markdownTable());
  }
}
