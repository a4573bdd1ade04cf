package io.novacron.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * HTTP load from a second process: wrk, closed loop, two threads, its percentiles printed by {@code
 * bench/wrk-percentiles.lua} (or a script that loads it).
 */
final class Wrk {
  /** One run's figures; latencies in milliseconds. */
  record Result(double requestsPerSecond, String p50, String p95, String p99, String errors) {
    String line(String label) {
      return String.format(
          "  %-38s %,9.0f req/s  p50 %s ms  p95 %s ms  p99 %s ms  errors %s",
          label, requestsPerSecond, p50, p95, p99, errors);
    }
  }

  private Wrk() {}

  static Result run(
      String url, int connections, Duration length, String script, Map<String, String> env)
      throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                "wrk",
                "-t2",
                "-c" + connections,
                "-d" + length.toSeconds() + "s",
                "-s",
                script,
                url)
            .redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    String[] r =
        out.lines()
            .filter(l -> l.startsWith("RESULT "))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no RESULT line from wrk: " + out))
            .split(" ");
    return new Result(Double.parseDouble(r[1]), r[2], r[3], r[4], r[5]);
  }
}
