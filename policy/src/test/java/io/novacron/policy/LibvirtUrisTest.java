package io.novacron.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LibvirtUrisTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "qemu:///system",
        "qemu+ssh://root@kvm1/system",
        "qemu+tls://kvm1.example.com/system",
        "qemu+unix:///system?socket=/run/libvirt/libvirt-sock",
        "test:///default"
      })
  void acceptsLibvirtQemuUris(String uri) {
    assertThat(LibvirtUris.problem(uri)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"http://kvm1/system", "xen:///system", "qemu+carrier-pigeon://x/system", "kvm1"})
  void rejectsOthersWithAMessage(String uri) {
    assertThat(LibvirtUris.problem(uri)).get().asString().contains(uri);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "qemu://bad host/system"})
  void rejectsMalformed(String uri) {
    assertThat(LibvirtUris.problem(uri)).isPresent();
  }
}
