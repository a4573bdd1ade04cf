package io.novacron.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * CPU time used so far by this JVM and by the PostgreSQL server (the postmaster, its live children
 * and the children it has already reaped), read from /proc. On these shared machines throughput
 * swings with the neighbours; what each side spends per sample shows where a change saved work.
 */
record CpuTime(double jvmSeconds, double serverSeconds) {
  /** /proc reports times in USER_HZ, which Linux fixes at 100 for user space. */
  private static final double TICKS_PER_SECOND = 100;

  static CpuTime now(Path dataDirectory) throws IOException {
    double jvm =
        ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()
            / 1e9;
    String postmaster = Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim();
    long ticks = ticks(postmaster, true);
    Path children = Path.of("/proc", postmaster, "task", postmaster, "children");
    for (String child : Files.readString(children).trim().split("\\s+")) {
      if (!child.isEmpty()) {
        ticks += ticks(child, false);
      }
    }
    return new CpuTime(jvm, ticks / TICKS_PER_SECOND);
  }

  CpuTime since(CpuTime earlier) {
    return new CpuTime(jvmSeconds - earlier.jvmSeconds, serverSeconds - earlier.serverSeconds);
  }

  /** utime + stime, and with {@code reaped} also cutime + cstime (proc(5), fields 14-17). */
  private static long ticks(String pid, boolean reaped) throws IOException {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", pid, "stat"));
    } catch (NoSuchFileException gone) {
      return 0; // exited between listing and reading: its time is counted once reaped
    }
    // the command name may hold spaces; the fields after it start with the state (field 3)
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return reaped ? ticks + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : ticks;
  }
}
