package io.novacron.operator.libvirt;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.DomainJobStats;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.libvirt.NodeInfo;
import org.libvirt.StoragePool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations NovaCron performs on one libvirt host, each bounded by the call timeout.
 *
 * <p>Every domain, pool and volume handle is freed as soon as the call is done: each holds a
 * reference to its connection, and one left to the garbage collector kept the connection open after
 * {@link HostConnection#close} (its socket to the host; with the test driver, its domains, which
 * then clashed with the next operator's in the same process).
 */
public final class LibvirtHost {
  private static final int LIST_ALL = 0;
  private static final long MIB = 1024L * 1024L;
  private static final int JOB_STATS_COMPLETED = 1;
  private static final int XML_SECURE = 1;
  private static final int XML_INACTIVE = 2;
  private static final int POOL_CREATE_WITH_BUILD = 1;

  private static final Logger log = LoggerFactory.getLogger(LibvirtHost.class);

  private final HostConnection connection;

  LibvirtHost(HostConnection connection) {
    this.connection = connection;
  }

  public String uri() {
    return connection.uri();
  }

  public Instant lastSeen() {
    return connection.lastSeen();
  }

  public HostFacts facts() {
    return connection.call(
        "reading host facts",
        c -> {
          NodeInfo info = c.nodeInfo();
          return new HostFacts(
              c.getHostName(), info.cpus, info.memory / 1024, c.getFreeMemory() / MIB);
        });
  }

  public List<DomainSummary> domains() {
    return connection.call(
        "listing domains",
        c -> {
          Domain[] all = c.listAllDomains(LIST_ALL);
          try {
            List<DomainSummary> result = new ArrayList<>();
            for (Domain d : all) {
              result.add(new DomainSummary(d.getUUIDString(), d.getName()));
            }
            return result;
          } finally {
            for (Domain d : all) {
              free(d);
            }
          }
        });
  }

  public Optional<DomainRuntime> domain(String uuid) {
    return connection.call(
        "reading domain " + uuid,
        c ->
            onLookedUp(
                c,
                uuid,
                d -> {
                  DomainInfo info = d.getInfo();
                  return Optional.of(
                      new DomainRuntime(
                          uuid,
                          d.getName(),
                          DomainStateReader.read(d),
                          info.nrVirtCpu,
                          info.memory,
                          info.maxMem));
                },
                Optional::empty));
  }

  /**
   * Counters of the given running domains (those not running are skipped). libvirt-java has no
   * bulk-statistics call, so this is a few calls per domain, all on this host's thread.
   */
  public List<DomainCounters> counters(Collection<String> uuids, Clock clock) {
    return connection.call(
        "sampling domains",
        c -> {
          List<DomainCounters> result = new ArrayList<>();
          for (String uuid : uuids) {
            DomainCounters running =
                onLookedUp(
                    c,
                    uuid,
                    d -> d.isActive() == 1 ? DomainSampler.sample(d, uuid, clock.instant()) : null,
                    () -> null);
            if (running != null) {
              result.add(running);
            }
          }
          return result;
        });
  }

  /** The host's cumulative CPU times and its memory now. */
  public HostCounters hostCounters(Clock clock) {
    return connection.call(
        "sampling host",
        c -> {
          HostCpuTimes cpu = HostCpuReader.read(c);
          return new HostCounters(
              uri(), clock.instant(), cpu, c.getFreeMemory(), c.nodeInfo().memory * 1024);
        });
  }

  /** Defines (or redefines) a persistent domain; returns its UUID. */
  public String define(String xml) {
    return connection.call(
        "defining domain",
        c -> {
          Domain d = c.domainDefineXML(xml);
          try {
            return d.getUUIDString();
          } finally {
            free(d);
          }
        });
  }

  public void start(String uuid) {
    onDomain("starting domain", uuid, Domain::create);
  }

  /** Asks the guest to shut down (ACPI); returns at once. */
  public void shutdown(String uuid) {
    onDomain("shutting down domain", uuid, Domain::shutdown);
  }

  public void destroy(String uuid) {
    onDomain("destroying domain", uuid, Domain::destroy);
  }

  public void undefine(String uuid) {
    onDomain("undefining domain", uuid, Domain::undefine);
  }

  public void setVcpus(String uuid, int vcpus) {
    onDomain("setting vCPUs", uuid, d -> d.setVcpus(vcpus));
  }

  public void setMemoryKiB(String uuid, long kib) {
    onDomain("setting memory", uuid, d -> d.setMemory(kib));
  }

  /** Statistics of the domain's running job (a migration), or of its last completed one. */
  public JobStats jobStats(String uuid, boolean completed) {
    return withDomain(
        "reading job statistics of",
        uuid,
        d -> {
          DomainJobStats stats = d.getJobStats(completed ? JOB_STATS_COMPLETED : 0);
          return JobStats.of(stats.type, stats.stats);
        });
  }

  /** Aborts the domain's running job (a migration rolls back; the guest keeps running here). */
  public void abortJob(String uuid) {
    onDomain("aborting the job of", uuid, Domain::abortJob);
  }

  /** Switches the domain's running post-copy-enabled migration to post-copy. */
  public void startPostCopy(String uuid) {
    onDomain("switching to post-copy", uuid, LiveMigrationCall::startPostCopy);
  }

  /** The size in bytes of the disk at {@code path} of the domain, as the guest sees it. */
  public long diskCapacity(String uuid, String path) {
    return withDomain("reading the disk size of", uuid, d -> d.blockInfo(path).getCapacity());
  }

  /**
   * Creates an empty disk image at {@code path} on this host, for a migration to copy a disk into.
   * libvirt creates it through a transient directory pool (the host needs no pool configured; the
   * pool is gone afterwards, the file stays). An existing file is never touched.
   *
   * @throws LibvirtOperationException when the file exists already or cannot be created
   */
  public void createEmptyDisk(String path, long capacityBytes, String format) {
    Path file = Path.of(path);
    String name = "novacron-" + Integer.toHexString(file.getParent().toString().hashCode());
    connection.call(
        "creating disk " + path,
        c -> {
          StoragePool pool =
              c.storagePoolCreateXML(
                  "<pool type='dir'><name>"
                      + name
                      + "</name><target><path>"
                      + xmlText(file.getParent().toString())
                      + "</path></target></pool>",
                  POOL_CREATE_WITH_BUILD); // makes the directory when the target lacks it
          try {
            if (List.of(pool.listVolumes()).contains(file.getFileName().toString())) {
              throw new LibvirtOperationException(
                  path + " already exists on " + uri() + "; is the pool's storage really Local?",
                  null);
            }
            pool.storageVolCreateXML(
                    "<volume><name>"
                        + xmlText(file.getFileName().toString())
                        + "</name><capacity unit='bytes'>"
                        + capacityBytes
                        + "</capacity><target><format type='"
                        + format
                        + "'/></target></volume>",
                    0)
                .free();
          } finally {
            try {
              pool.destroy();
            } finally {
              pool.free();
            }
          }
          return null;
        });
  }

  private static String xmlText(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;");
  }

  /** The domain's persistent definition, as defined (not as running), secrets included. */
  public String definition(String uuid) {
    return withDomain(
        "reading the definition of", uuid, d -> d.getXMLDesc(XML_SECURE | XML_INACTIVE));
  }

  private interface DomainAction {
    void apply(Domain d) throws LibvirtException;
  }

  private interface DomainFunction<T> {
    T apply(Domain d) throws LibvirtException;
  }

  private void onDomain(String what, String uuid, DomainAction action) {
    withDomain(
        what,
        uuid,
        d -> {
          action.apply(d);
          return null;
        });
  }

  private <T> T withDomain(String what, String uuid, DomainFunction<T> function) {
    return connection.call(
        what + " " + uuid,
        c ->
            onLookedUp(
                c,
                uuid,
                function,
                () -> {
                  throw new LibvirtOperationException("domain " + uuid + " does not exist", null);
                }));
  }

  /**
   * Applies {@code found} to the domain {@code uuid} and frees its handle, or answers {@code
   * missing} when the host has no such domain.
   */
  private static <T> T onLookedUp(
      Connect c, String uuid, DomainFunction<T> found, Supplier<T> missing)
      throws LibvirtException {
    Domain d = lookup(c, uuid);
    if (d == null) {
      return missing.get();
    }
    try {
      return found.apply(d);
    } finally {
      free(d);
    }
  }

  /** Frees the handle; a failure to free is only logged, never hides the call's own outcome. */
  static void free(Domain d) {
    try {
      d.free();
    } catch (LibvirtException e) {
      log.debug("Freeing a domain handle failed: {}", e.getMessage());
    }
  }

  private static Domain lookup(Connect c, String uuid) throws LibvirtException {
    try {
      return c.domainLookupByUUIDString(uuid);
    } catch (LibvirtException e) {
      if (e.getError().getCode() == ErrorNumber.VIR_ERR_NO_DOMAIN) {
        return null;
      }
      throw e;
    }
  }
}
