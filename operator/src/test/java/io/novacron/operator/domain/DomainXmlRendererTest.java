package io.novacron.operator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.novacron.crds.vm.BootSpec;
import io.novacron.crds.vm.DiskSpec;
import io.novacron.crds.vm.NetworkSpec;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.policy.TestVms;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.w3c.dom.Document;

class DomainXmlRendererTest {
  private final DomainXmlRenderer renderer =
      new DomainXmlRenderer(new DomainSettings("qemu", "/var/log/libvirt/qemu"));

  @Test
  void kernelBootVmRendersIdentityResourcesAndConsoleLog() throws Exception {
    VirtualMachine vm = TestVms.vm("team-a", "web-1", "pool");
    vm.getSpec().vcpus = 2;
    vm.getSpec().maxVcpus = 4;
    vm.getSpec().memory = new Quantity("256Mi");
    vm.getSpec().maxMemory = new Quantity("1Gi");

    Xml xml = new Xml(renderer.render(vm));

    assertThat(xml.get("/domain/@type")).isEqualTo("qemu");
    assertThat(xml.get("/domain/name")).isEqualTo("team-a_web-1");
    assertThat(xml.get("/domain/uuid")).isEqualTo(vm.getMetadata().getUid());
    assertThat(xml.get("/domain/memory")).isEqualTo("1048576");
    assertThat(xml.get("/domain/currentMemory")).isEqualTo("262144");
    assertThat(xml.get("/domain/vcpu")).isEqualTo("4");
    assertThat(xml.get("/domain/vcpu/@current")).isEqualTo("2");
    assertThat(xml.get("/domain/os/kernel")).isEqualTo("/boot/vmlinuz");
    assertThat(xml.get("/domain/os/initrd")).isEqualTo("/boot/initrd.img");
    assertThat(xml.get("/domain/os/cmdline")).isEqualTo("console=ttyS0");
    assertThat(xml.get("/domain/devices/serial/log/@file"))
        .isEqualTo("/var/log/libvirt/qemu/team-a_web-1-console.log");
    assertThat(xml.get("/domain/metadata/*[local-name()='vm']/@name")).isEqualTo("web-1");
    assertThat(xml.get("/domain/devices/memballoon/stats/@period")).isEqualTo("5");
    assertThat(xml.get("/domain/devices/panic/@model")).isEqualTo("isa");
  }

  @Test
  void diskBootMarksTheBootDiskAndNamesTargetsPerBus() throws Exception {
    VirtualMachine vm = TestVms.vm("ns", "db", "pool");
    vm.getSpec().boot = new BootSpec();
    vm.getSpec().boot.disk = "data";
    vm.getSpec().disks.add(disk("root", "/img/root.qcow2", DiskSpec.Bus.virtio));
    vm.getSpec().disks.add(disk("data", "/img/data.raw", DiskSpec.Bus.virtio));
    vm.getSpec().disks.add(disk("cd", "/img/cd.raw", DiskSpec.Bus.sata));
    vm.getSpec().disks.get(1).format = DiskSpec.Format.raw;
    vm.getSpec().disks.get(2).readOnly = true;

    Xml xml = new Xml(renderer.render(vm));

    assertThat(xml.get("count(/domain/os/kernel)")).isEqualTo("0");
    assertThat(xml.get("/domain/devices/disk[1]/target/@dev")).isEqualTo("vda");
    assertThat(xml.get("/domain/devices/disk[2]/target/@dev")).isEqualTo("vdb");
    assertThat(xml.get("/domain/devices/disk[3]/target/@dev")).isEqualTo("sda");
    assertThat(xml.get("/domain/devices/disk[2]/driver/@type")).isEqualTo("raw");
    assertThat(xml.get("/domain/devices/disk[2]/boot/@order")).isEqualTo("1");
    assertThat(xml.get("count(/domain/devices/disk[1]/boot)")).isEqualTo("0");
    assertThat(xml.get("count(/domain/devices/disk[3]/readonly)")).isEqualTo("1");
  }

  @Test
  void networksRenderByType() throws Exception {
    VirtualMachine vm = TestVms.vm("ns", "net", "pool");
    vm.getSpec().networks.add(network("lan", NetworkSpec.Type.Network, "default"));
    vm.getSpec().networks.add(network("br", NetworkSpec.Type.Bridge, "br0"));
    vm.getSpec().networks.add(network("nat", NetworkSpec.Type.User, null));
    vm.getSpec().networks.get(0).macAddress = "52:54:00:AA:BB:CC";

    Xml xml = new Xml(renderer.render(vm));

    assertThat(xml.get("/domain/devices/interface[1]/@type")).isEqualTo("network");
    assertThat(xml.get("/domain/devices/interface[1]/source/@network")).isEqualTo("default");
    assertThat(xml.get("/domain/devices/interface[1]/mac/@address")).isEqualTo("52:54:00:aa:bb:cc");
    assertThat(xml.get("/domain/devices/interface[2]/source/@bridge")).isEqualTo("br0");
    assertThat(xml.get("/domain/devices/interface[3]/@type")).isEqualTo("user");
  }

  @Test
  void userTextIsEscapedNotInterpreted() throws Exception {
    VirtualMachine vm = TestVms.vm("ns", "x", "pool");
    vm.getSpec().boot.cmdline = "a='1' </cmdline><evil/> & \"q\"";

    Xml xml = new Xml(renderer.render(vm));

    assertThat(xml.get("/domain/os/cmdline")).isEqualTo("a='1' </cmdline><evil/> & \"q\"");
    assertThat(xml.get("count(//evil)")).isEqualTo("0");
  }

  @Test
  void renderingIsDeterministic() {
    VirtualMachine vm = TestVms.vm("ns", "same", "pool");
    assertThat(renderer.render(vm)).isEqualTo(renderer.render(vm));
  }

  @Test
  void libvirtAcceptsTheRenderedXml() throws Exception {
    VirtualMachine vm = TestVms.vm("ns", "accepted", "pool");
    vm.getSpec().maxVcpus = 2;
    vm.getSpec().disks.add(disk("root", "/img/root.qcow2", DiskSpec.Bus.virtio));
    Connect conn = new Connect("test:///default");
    try {
      Domain d = conn.domainDefineXML(renderer.render(vm));
      assertThat(d.getUUIDString()).isEqualTo(vm.getMetadata().getUid());
      assertThat(d.getName()).isEqualTo("ns_accepted");
      assertThat(d.getXMLDesc(0)).contains("<vcpu placement='static' current='1'>2</vcpu>");
      d.undefine();
    } finally {
      conn.close();
    }
  }

  private static DiskSpec disk(String name, String path, DiskSpec.Bus bus) {
    DiskSpec d = new DiskSpec();
    d.name = name;
    d.path = path;
    d.bus = bus;
    return d;
  }

  private static NetworkSpec network(String name, NetworkSpec.Type type, String source) {
    NetworkSpec n = new NetworkSpec();
    n.name = name;
    n.type = type;
    n.source = source;
    return n;
  }

  private static final class Xml {
    private final Document doc;
    private final XPath xpath = XPathFactory.newInstance().newXPath();

    Xml(String text) throws Exception {
      doc =
          DocumentBuilderFactory.newInstance()
              .newDocumentBuilder()
              .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    String get(String expression) throws Exception {
      String value = xpath.evaluate(expression, doc);
      return value.endsWith(".0") ? value.substring(0, value.length() - 2) : value;
    }
  }
}
