package io.novacron.bench;

import io.novacron.operator.metrics.VmSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic VM histories replayed from the real cluster traces in ../shared/data/traces (CC BY 4.0,
 * DataCenter-Traces-Datasets): each VM follows one trace's CPU and memory series, at its own phase
 * shift and scale, so 10,000 VMs do not move in lockstep.
 */
final class TraceReplay {
  /** One trace: per row, CPU % and memory % (0-100). */
  private record Series(double[] cpu, double[] memory) {}

  private static final long GIB = 1L << 30;

  /** What a QEMU process holds beyond the guest's memory in use (its own code, device state). */
  private static final long QEMU_OVERHEAD_BYTES = 40L << 20;

  private final List<Series> series;

  private TraceReplay(List<Series> series) {
    this.series = series;
  }

  static TraceReplay load(List<Path> files) throws IOException {
    List<Series> all = new ArrayList<>();
    for (Path f : files) {
      all.add(read(f));
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no trace files given");
    }
    return new TraceReplay(all);
  }

  /** The shared traces at their native 5-minute step. */
  static List<Path> defaultFiles(Path repo) throws IOException {
    Path traces = repo.resolve("../shared/data/traces").normalize();
    try (var paths = Files.walk(traces)) {
      return paths.filter(p -> p.toString().endsWith("_300s.csv")).sorted().toList();
    }
  }

  /** VM {@code vm}'s sample at step {@code step} of its replay. */
  VmSample sample(int vm, String uid, long step, Instant at) {
    Series s = series.get(vm % series.size());
    int phase = Math.floorMod(vm * 7919, s.cpu().length);
    double scale = 0.5 + Math.floorMod(vm * 31, 100) / 100.0;
    int row = (int) ((phase + step) % s.cpu().length);
    double cpu = Math.min(100.0, s.cpu()[row] * scale);
    long memoryTotal = (1 + vm % 8) * GIB;
    long used = (long) (memoryTotal * Math.min(1.0, s.memory()[row] / 100.0));
    return new VmSample(
        uid,
        at,
        cpu,
        List.of(cpu),
        used,
        memoryTotal,
        memoryTotal,
        used + QEMU_OVERHEAD_BYTES,
        cpu * 1e4,
        cpu * 5e3,
        cpu,
        cpu / 2,
        cpu * 2e4,
        cpu * 1e4);
  }

  private static Series read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    String header = lines.get(0);
    int n = lines.size() - 1;
    double[] cpu = new double[n];
    double[] memory = new double[n];
    for (int i = 0; i < n; i++) {
      String[] f = lines.get(i + 1).split(",");
      if (header.startsWith("cpu_util_percent")) { // Alibaba: percentages
        cpu[i] = Double.parseDouble(f[0]);
        memory[i] = Double.parseDouble(f[1]);
      } else if (header.startsWith("avg_cpu")) { // Google: fractions
        cpu[i] = Double.parseDouble(f[0]) * 100;
        memory[i] = Double.parseDouble(f[1]) * 100;
      } else if (header.startsWith("timestamp,cpu_usage")) { // Azure: sums, normalised below
        cpu[i] = Double.parseDouble(f[1]);
        memory[i] = Double.parseDouble(f[2]);
      } else {
        throw new IllegalArgumentException(file + ": unknown trace layout " + header);
      }
    }
    if (header.startsWith("timestamp,cpu_usage")) {
      normalise(cpu);
      normalise(memory);
    }
    return new Series(cpu, memory);
  }

  private static void normalise(double[] values) {
    double max = 0;
    for (double v : values) {
      max = Math.max(max, v);
    }
    for (int i = 0; i < values.length; i++) {
      values[i] = max == 0 ? 0 : values[i] / max * 100;
    }
  }
}
