package io.novacron.operator.libvirt;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.libvirt.Domain;
import org.libvirt.DomainBlockStats;
import org.libvirt.DomainInfo;
import org.libvirt.DomainInterfaceStats;
import org.libvirt.LibvirtException;
import org.libvirt.MemoryStatistic;
import org.libvirt.VcpuInfo;
import org.w3c.dom.NodeList;

/** Reads one running domain's counters (on the host's thread). */
final class DomainSampler {
  // virDomainMemoryStatTags
  private static final int UNUSED = 4;
  private static final int AVAILABLE = 5;
  private static final int ACTUAL_BALLOON = 6;
  private static final int RSS = 7;
  private static final int MAX_MEMORY_STATS = 16;

  private DomainSampler() {}

  static DomainCounters sample(Domain d, String uuid, Instant at) throws LibvirtException {
    DomainInfo info = d.getInfo();
    VcpuInfo[] vcpus = d.getVcpusInfo();
    // libvirt-java 0.5.4 sizes this array by the domain's maximum vCPUs and drops the count
    // virDomainGetVcpus returns, so past the online vCPUs (nrVirtCpu) it holds zeros, not vCPUs;
    // counting those would list idle vCPUs that do not exist and divide the VM's CPU % by them.
    long[] vcpuTimes = new long[Math.min(vcpus.length, info.nrVirtCpu)];
    for (int i = 0; i < vcpuTimes.length; i++) {
      vcpuTimes[i] = vcpus[i].cpuTime;
    }
    long balloon = info.memory;
    long unused = -1;
    long available = -1;
    long rss = -1;
    for (MemoryStatistic m : d.memoryStats(MAX_MEMORY_STATS)) {
      switch (m.getTag()) {
        case ACTUAL_BALLOON -> balloon = m.getValue();
        case UNUSED -> unused = m.getValue();
        case AVAILABLE -> available = m.getValue();
        case RSS -> rss = m.getValue();
        default -> {
          // other statistics are not used
        }
      }
    }
    Devices devices = devices(d.getXMLDesc(0));
    long rdBytes = 0;
    long wrBytes = 0;
    long rdOps = 0;
    long wrOps = 0;
    for (String disk : devices.disks()) {
      DomainBlockStats b = d.blockStats(disk);
      rdBytes += b.rd_bytes;
      wrBytes += b.wr_bytes;
      rdOps += b.rd_req;
      wrOps += b.wr_req;
    }
    long rx = 0;
    long tx = 0;
    for (String nic : devices.nics()) {
      DomainInterfaceStats n = d.interfaceStats(nic);
      rx += n.rx_bytes;
      tx += n.tx_bytes;
    }
    return new DomainCounters(
        uuid,
        d.getID(),
        at,
        info.cpuTime,
        vcpuTimes,
        balloon,
        unused,
        available,
        rss,
        rdBytes,
        wrBytes,
        rdOps,
        wrOps,
        rx,
        tx);
  }

  private record Devices(List<String> disks, List<String> nics) {}

  /** Target device names of the live domain's disks and NICs (e.g. vda, vnet3). */
  private static Devices devices(String xml) {
    try {
      var doc =
          DocumentBuilderFactory.newInstance()
              .newDocumentBuilder()
              .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
      var xpath = XPathFactory.newInstance().newXPath();
      return new Devices(
          values(
              (NodeList)
                  xpath.evaluate("/domain/devices/disk/target/@dev", doc, XPathConstants.NODESET)),
          values(
              (NodeList)
                  xpath.evaluate(
                      "/domain/devices/interface/target/@dev", doc, XPathConstants.NODESET)));
    } catch (Exception e) {
      throw new LibvirtOperationException("cannot read the domain's devices: " + e.getMessage(), e);
    }
  }

  private static List<String> values(NodeList nodes) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getNodeValue());
    }
    return out;
  }
}
