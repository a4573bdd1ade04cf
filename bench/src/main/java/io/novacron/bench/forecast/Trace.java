package io.novacron.bench.forecast;

import io.novacron.operator.forecast.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One workload time series from the trace CSVs in ../shared/data/traces: every resource the files
 * have, in percent, at a fixed step. Files of one folder with the same step (day_1_10s, day_2_10s,
 * ...) are consecutive parts of one timeline and are joined in name order.
 *
 * <p>Layouts (recognised by header): Alibaba (cpu_util_percent, mem_util_percent, net_in, net_out,
 * disk_io_percent; network is the mean of in and out, and disk values of -1 or 101 mark a missing
 * reading), Google (avg_cpu and avg_mem as fractions) and Azure (cpu_usage and assigned_mem as
 * cluster sums, scaled to percent of their maximum over the training part only, so nothing of the
 * evaluation part leaks into the scale).
 *
 * <p>Each row's time counts from the timeline's start. The parts are whole days or weeks (the
 * longest part's span, rounded to whole days), each starting on its day: a shorter part (Alibaba's
 * day 2, 6,762 rows of 10 s) ends early rather than shifting the days after it. At its end the
 * series jumps (22 % to 32 % CPU into day 3, where the other days' ends meet the next day's start
 * within 2-5 points), so its rows are missing at the end rather than the start.
 */
record Trace(String name, int stepSeconds, long[] seconds, Map<Resource, double[]> percent) {
  private static final Pattern STEP = Pattern.compile("_(\\d+)s\\.csv$");

  int length() {
    return percent.values().iterator().next().length;
  }

  /** Groups files into timelines and loads each; {@code trainShare} bounds Azure's scaling. */
  static List<Trace> load(List<Path> files, double trainShare) throws IOException {
    Map<String, List<Path>> timelines = new java.util.TreeMap<>();
    for (Path f : files) {
      Matcher m = STEP.matcher(f.getFileName().toString());
      if (!m.find()) {
        throw new IllegalArgumentException(f + ": the name must end in _<step>s.csv");
      }
      String folder = f.toAbsolutePath().getParent().getFileName().toString();
      timelines.computeIfAbsent(folder + " " + m.group(1) + "s", k -> new ArrayList<>()).add(f);
    }
    List<Trace> traces = new ArrayList<>();
    for (var timeline : timelines.entrySet()) {
      List<Path> parts = timeline.getValue();
      parts.sort(null);
      Matcher m = STEP.matcher(parts.get(0).getFileName().toString());
      m.find();
      traces.add(read(timeline.getKey(), Integer.parseInt(m.group(1)), parts, trainShare));
    }
    return traces;
  }

  private static Trace read(String name, int step, List<Path> parts, double trainShare)
      throws IOException {
    String header = null;
    List<double[]> rows = new ArrayList<>();
    List<Integer> partRows = new ArrayList<>();
    for (Path part : parts) {
      List<String> lines = Files.readAllLines(part);
      int before = rows.size();
      if (header != null && !header.equals(lines.get(0))) {
        throw new IllegalArgumentException(part + ": columns differ from the other parts");
      }
      header = lines.get(0);
      for (String line : lines.subList(1, lines.size())) {
        if (!line.isBlank()) {
          rows.add(Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray());
        }
      }
      partRows.add(rows.size() - before);
    }
    List<String> columns = List.of(header.split(","));
    Map<Resource, double[]> series = new EnumMap<>(Resource.class);
    if (columns.contains("cpu_util_percent")) {
      series.put(Resource.CPU, column(rows, columns, "cpu_util_percent", 1));
      series.put(Resource.MEMORY, column(rows, columns, "mem_util_percent", 1));
      double[] in = column(rows, columns, "net_in", 1);
      double[] out = column(rows, columns, "net_out", 1);
      double[] network = new double[in.length];
      for (int i = 0; i < in.length; i++) {
        network[i] = (in[i] + out[i]) / 2;
      }
      series.put(Resource.NETWORK, network);
      double[] disk = column(rows, columns, "disk_io_percent", 1);
      for (int i = 0; i < disk.length; i++) {
        if (disk[i] < 0 || disk[i] > 100) {
          disk[i] = Double.NaN;
        }
      }
      series.put(Resource.DISK, disk);
    } else if (columns.contains("avg_cpu")) {
      series.put(Resource.CPU, column(rows, columns, "avg_cpu", 100));
      series.put(Resource.MEMORY, column(rows, columns, "avg_mem", 100));
    } else if (columns.contains("cpu_usage")) {
      series.put(Resource.CPU, ofTrainingMax(column(rows, columns, "cpu_usage", 1), trainShare));
      series.put(
          Resource.MEMORY, ofTrainingMax(column(rows, columns, "assigned_mem", 1), trainShare));
    } else {
      throw new IllegalArgumentException(parts.get(0) + ": unknown trace layout: " + header);
    }
    return new Trace(name, step, times(partRows, step), series);
  }

  private static long[] times(List<Integer> partRows, int step) {
    long day = 86_400;
    long longest = (long) partRows.stream().mapToInt(Integer::intValue).max().orElse(0) * step;
    long partSpan = Math.max(day, Math.round((double) longest / day) * day);
    long[] seconds = new long[partRows.stream().mapToInt(Integer::intValue).sum()];
    int row = 0;
    for (int p = 0; p < partRows.size(); p++) {
      for (int i = 0; i < partRows.get(p); i++) {
        seconds[row++] = p * partSpan + (long) i * step;
      }
    }
    return seconds;
  }

  private static double[] column(List<double[]> rows, List<String> columns, String name, double k) {
    int i = columns.indexOf(name);
    return rows.stream().mapToDouble(r -> r[i] * k).toArray();
  }

  private static double[] ofTrainingMax(double[] values, double trainShare) {
    double max = Arrays.stream(values, 0, (int) (values.length * trainShare)).max().orElse(1);
    return Arrays.stream(values).map(v -> 100 * v / max).toArray();
  }
}
