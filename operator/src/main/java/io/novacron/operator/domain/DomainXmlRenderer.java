package io.novacron.operator.domain;

import io.novacron.crds.vm.BootSpec;
import io.novacron.crds.vm.DiskSpec;
import io.novacron.crds.vm.NetworkSpec;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.crds.vm.VirtualMachineSpec;
import io.novacron.policy.VmResources;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Renders a VirtualMachine as libvirt domain XML. Pure: the same VM and settings always give the
 * same XML. Built with the JDK's DOM so user strings (paths, kernel command line) are escaped.
 */
public final class DomainXmlRenderer {
  public static final String METADATA_NS = "https://novacron.io/xmlns/libvirt/v1";
  static final int BALLOON_STATS_PERIOD_SECONDS = 5;

  private final DomainSettings settings;

  public DomainXmlRenderer(DomainSettings settings) {
    this.settings = settings;
  }

  public String render(VirtualMachine vm) {
    VirtualMachineSpec spec = vm.getSpec();
    VmResources res = VmResources.of(spec);
    String name = DomainNames.domainName(vm);
    Document doc = newDocument();
    Element domain = doc.createElement("domain");
    domain.setAttribute("type", settings.domainType());
    doc.appendChild(domain);

    text(domain, "name", name);
    text(domain, "uuid", DomainNames.domainUuid(vm));
    text(
        domain,
        "title",
        "NovaCron VM " + vm.getMetadata().getNamespace() + "/" + vm.getMetadata().getName());
    Element metadata = child(domain, "metadata");
    Element owner = doc.createElementNS(METADATA_NS, "novacron:vm");
    owner.setAttribute("namespace", vm.getMetadata().getNamespace());
    owner.setAttribute("name", vm.getMetadata().getName());
    metadata.appendChild(owner);

    text(domain, "memory", Long.toString(res.maxMemoryKiB())).setAttribute("unit", "KiB");
    text(domain, "currentMemory", Long.toString(res.memoryKiB())).setAttribute("unit", "KiB");
    Element vcpu = text(domain, "vcpu", Integer.toString(res.maxVcpus()));
    vcpu.setAttribute("placement", "static");
    vcpu.setAttribute("current", Integer.toString(res.vcpus()));

    renderOs(domain, spec.boot);
    Element features = child(domain, "features");
    child(features, "acpi");
    child(features, "apic");
    text(domain, "on_poweroff", "destroy");
    text(domain, "on_reboot", "restart");
    text(domain, "on_crash", "destroy");

    Element devices = child(domain, "devices");
    renderDisks(devices, spec);
    spec.networks.forEach(n -> renderNetwork(devices, n));
    Element serial = child(devices, "serial");
    serial.setAttribute("type", "pty");
    Element log = child(serial, "log");
    log.setAttribute("file", settings.consoleLogDir() + "/" + name + "-console.log");
    log.setAttribute("append", "off");
    child(serial, "target").setAttribute("port", "0");
    Element console = child(devices, "console");
    console.setAttribute("type", "pty");
    Element consoleTarget = child(console, "target");
    consoleTarget.setAttribute("type", "serial");
    consoleTarget.setAttribute("port", "0");
    Element balloon = child(devices, "memballoon");
    balloon.setAttribute("model", "virtio");
    // without a period libvirt keeps returning the guest's first memory statistics
    child(balloon, "stats").setAttribute("period", Integer.toString(BALLOON_STATS_PERIOD_SECONDS));
    // pvpanic: a guest kernel that panics tells QEMU, so libvirt reports the domain crashed (and
    // on_crash ends it) instead of a running domain whose guest is dead
    child(devices, "panic").setAttribute("model", "isa");
    return serialize(doc);
  }

  private static void renderOs(Element domain, BootSpec boot) {
    Element os = child(domain, "os");
    Element type = text(os, "type", "hvm");
    type.setAttribute("arch", "x86_64");
    if (boot.kernel != null) {
      text(os, "kernel", boot.kernel);
      if (boot.initrd != null) {
        text(os, "initrd", boot.initrd);
      }
      if (boot.cmdline != null) {
        text(os, "cmdline", boot.cmdline);
      }
    }
  }

  private static void renderDisks(Element devices, VirtualMachineSpec spec) {
    Map<String, Integer> nextIndexByPrefix = new HashMap<>();
    for (DiskSpec disk : spec.disks) {
      Element d = child(devices, "disk");
      d.setAttribute("type", "file");
      d.setAttribute("device", "disk");
      Element driver = child(d, "driver");
      driver.setAttribute("name", "qemu");
      driver.setAttribute("type", disk.format.name());
      child(d, "source").setAttribute("file", disk.path);
      String prefix = disk.bus == DiskSpec.Bus.virtio ? "vd" : "sd";
      int index = nextIndexByPrefix.merge(prefix, 1, Integer::sum) - 1;
      Element target = child(d, "target");
      target.setAttribute("dev", prefix + (char) ('a' + index));
      target.setAttribute("bus", disk.bus.name());
      if (disk.readOnly) {
        child(d, "readonly");
      }
      if (disk.name.equals(spec.boot.disk)) {
        child(d, "boot").setAttribute("order", "1");
      }
    }
  }

  private static void renderNetwork(Element devices, NetworkSpec net) {
    Element iface = child(devices, "interface");
    switch (net.type) {
      case Network -> {
        iface.setAttribute("type", "network");
        child(iface, "source").setAttribute("network", net.source);
      }
      case Bridge -> {
        iface.setAttribute("type", "bridge");
        child(iface, "source").setAttribute("bridge", net.source);
      }
      case User -> iface.setAttribute("type", "user");
    }
    if (net.macAddress != null) {
      child(iface, "mac").setAttribute("address", net.macAddress.toLowerCase());
    }
    child(iface, "model").setAttribute("type", net.model);
    child(iface, "alias").setAttribute("name", "ua-" + net.name);
  }

  private static Element child(Element parent, String name) {
    Element e = parent.getOwnerDocument().createElement(name);
    parent.appendChild(e);
    return e;
  }

  private static Element text(Element parent, String name, String value) {
    Element e = child(parent, name);
    e.setTextContent(value);
    return e;
  }

  private static Document newDocument() {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      return factory.newDocumentBuilder().newDocument();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String serialize(Document doc) {
    try {
      var transformer = TransformerFactory.newInstance().newTransformer();
      transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      transformer.setOutputProperty(OutputKeys.INDENT, "yes");
      transformer.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
      StringWriter out = new StringWriter();
      transformer.transform(new DOMSource(doc), new StreamResult(out));
      return out.toString();
    } catch (TransformerException e) {
      throw new IllegalStateException(e);
    }
  }
}
