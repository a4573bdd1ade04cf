package io.novacron.operator.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.lang.reflect.Field;
import org.libvirt.Connect;
import org.libvirt.jna.ConnectionPointer;

/**
 * Reads the host's cumulative CPU times. libvirt-java 0.5.4 does not bind virNodeGetCPUStats, so
 * this binds that one C call with JNA (as {@link DomainStateReader} does for virDomainGetState).
 */
final class HostCpuReader {
  private interface VirNodeGetCpuStats extends Library {
    int virNodeGetCPUStats(
        ConnectionPointer conn, int cpuNum, Memory params, IntByReference nparams, int flags);
  }

  private static final VirNodeGetCpuStats LIBVIRT = Native.load("virt", VirNodeGetCpuStats.class);
  private static final Field CONNECTION_POINTER = connectionPointerField();
  private static final int ALL_CPUS = -1;
  // struct virNodeCPUStats { char field[80]; unsigned long long value; }
  private static final int FIELD_LENGTH = 80;
  private static final int ENTRY_SIZE = FIELD_LENGTH + Long.BYTES;

  private HostCpuReader() {}

  /** Busy and total CPU nanoseconds over all CPUs since boot, or null if the driver has none. */
  static HostCpuTimes read(Connect connect) {
    ConnectionPointer conn = pointer(connect);
    IntByReference count = new IntByReference(0);
    if (LIBVIRT.virNodeGetCPUStats(conn, ALL_CPUS, null, count, 0) < 0 || count.getValue() <= 0) {
      return null;
    }
    Memory params = new Memory((long) ENTRY_SIZE * count.getValue());
    if (LIBVIRT.virNodeGetCPUStats(conn, ALL_CPUS, params, count, 0) < 0) {
      return null;
    }
    long idle = 0;
    long total = 0;
    for (int i = 0; i < count.getValue(); i++) {
      long offset = (long) i * ENTRY_SIZE;
      String field = params.getString(offset);
      long value = params.getLong(offset + FIELD_LENGTH);
      // kernel, user, idle, iowait (Linux); "utilization" is a percentage, not a time
      if (field.equals("utilization")) {
        continue;
      }
      total += value;
      if (field.equals("idle") || field.equals("iowait")) {
        idle += value;
      }
    }
    return total > 0 ? new HostCpuTimes(total - idle, total) : null;
  }

  private static ConnectionPointer pointer(Connect connect) {
    try {
      return (ConnectionPointer) CONNECTION_POINTER.get(connect);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Field connectionPointerField() {
    try {
      Field f = Connect.class.getDeclaredField("vcp");
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("libvirt-java changed: Connect.vcp is gone", e);
    }
  }
}
