package io.novacron.operator.config;

import io.novacron.operator.store.DatabaseSettings;
import io.novacron.policy.Durations;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting of the operator. Values come from the environment, which overrides an optional
 * properties file named by {@code NOVACRON_CONFIG_FILE} (same keys), which overrides the defaults.
 */
public final class OperatorConfig {
  public static final Option<Set<String>> NAMESPACES =
      new Option<>(
          "NOVACRON_NAMESPACES",
          "",
          "Comma-separated namespaces whose VirtualMachines are managed; empty means all.",
          OperatorConfig::parseSet);
  public static final Option<String> DOMAIN_TYPE =
      new Option<>(
          "NOVACRON_DOMAIN_TYPE",
          "kvm",
          "libvirt domain type: kvm (hardware virtualization) or qemu (software emulation, TCG).",
          OperatorConfig::parseDomainType);
  public static final Option<String> CONSOLE_LOG_DIR =
      new Option<>(
          "NOVACRON_CONSOLE_LOG_DIR",
          "/var/log/libvirt/qemu",
          "Directory on each host where a VM's serial console is logged as DOMAIN-console.log.",
          Function.identity());
  public static final Option<Duration> LIBVIRT_CALL_TIMEOUT =
      new Option<>(
          "NOVACRON_LIBVIRT_CALL_TIMEOUT",
          "10s",
          "Longest a single libvirt call may take before its host is treated as unreachable.",
          Durations::parse);
  public static final Option<Duration> RECONNECT_BACKOFF_MAX =
      new Option<>(
          "NOVACRON_RECONNECT_BACKOFF_MAX",
          "60s",
          "Upper bound of the exponential backoff between reconnects to an unreachable host"
              + " (starts at 1s).",
          Durations::parse);
  public static final Option<Duration> POOL_POLL_INTERVAL =
      new Option<>(
          "NOVACRON_POOL_POLL_INTERVAL",
          "30s",
          "How often each NodePool's hosts are probed.",
          Durations::parse);
  public static final Option<Duration> VM_POLL_INTERVAL =
      new Option<>(
          "NOVACRON_VM_POLL_INTERVAL",
          "15s",
          "How often each VirtualMachine's domain state is checked against its runStrategy.",
          Durations::parse);
  public static final Option<Duration> SHUTDOWN_GRACE_PERIOD =
      new Option<>(
          "NOVACRON_SHUTDOWN_GRACE_PERIOD",
          "60s",
          "Default time a graceful shutdown may take before the domain is destroyed.",
          Durations::parse);
  public static final Option<Duration> START_RETRY_INTERVAL =
      new Option<>(
          "NOVACRON_START_RETRY_INTERVAL",
          "60s",
          "Wait before retrying a VM that could not be placed or started.",
          Durations::parse);
  public static final Option<Duration> SAMPLE_INTERVAL =
      new Option<>(
          "NOVACRON_SAMPLE_INTERVAL",
          "10s",
          "How often every running VM's CPU, memory, disk and network use is sampled.",
          Durations::parse);
  public static final Option<Duration> USAGE_REFRESH =
      new Option<>(
          "NOVACRON_USAGE_REFRESH",
          "60s",
          "Longest a VM's status.usage goes unrefreshed; it is also written at once when CPU moves"
              + " by 10 points, memory used or resident by 10 %, or the balloon is resized.",
          Durations::parse);
  public static final Option<String> DATABASE_URL =
      new Option<>(
          "NOVACRON_DATABASE_URL",
          "",
          "JDBC URL of the PostgreSQL 14+ that keeps metric history; empty starts an embedded"
              + " PostgreSQL under NOVACRON_DATA_DIR.",
          Function.identity());
  public static final Option<String> DATABASE_USER =
      new Option<>(
          "NOVACRON_DATABASE_USER",
          "postgres",
          "User for NOVACRON_DATABASE_URL.",
          Function.identity());
  public static final Option<String> DATABASE_PASSWORD =
      new Option<>(
          "NOVACRON_DATABASE_PASSWORD",
          "",
          "Password for NOVACRON_DATABASE_URL (prefer the file option); never logged.",
          Function.identity());
  public static final Option<String> DATABASE_PASSWORD_FILE =
      new Option<>(
          "NOVACRON_DATABASE_PASSWORD_FILE",
          "",
          "File holding the password for NOVACRON_DATABASE_URL (e.g. a mounted Secret).",
          Function.identity());
  public static final Option<String> POLICY_FILE =
      new Option<>(
          "NOVACRON_POLICY_FILE",
          "",
          "Tenancy policy (YAML, the admission webhooks' format); the reconcilers apply it too, so"
              + " it holds without the webhooks. Re-read when it changes. Empty: cluster rules only.",
          Function.identity());
  public static final Option<String> DATA_DIR =
      new Option<>(
          "NOVACRON_DATA_DIR",
          "/var/lib/novacron",
          "Directory of the embedded PostgreSQL's data; keep it on a volume so history survives"
              + " restarts.",
          Function.identity());
  public static final Option<Duration> RAW_RETENTION =
      new Option<>(
          "NOVACRON_RAW_RETENTION",
          "7d",
          "How long raw samples are kept, in whole days (at least 1); older daily partitions are"
              + " dropped.",
          Durations::parse);
  public static final Option<Duration> ROLLUP_1M_RETENTION =
      new Option<>(
          "NOVACRON_ROLLUP_1M_RETENTION",
          "30d",
          "How long 1-minute rollups (avg, min, max, last per metric) are kept.",
          Durations::parse);
  public static final Option<Duration> ROLLUP_1H_RETENTION =
      new Option<>(
          "NOVACRON_ROLLUP_1H_RETENTION",
          "365d",
          "How long 1-hour rollups are kept.",
          Durations::parse);
  public static final Option<Integer> SAMPLE_QUEUE_CAPACITY =
      new Option<>(
          "NOVACRON_SAMPLE_QUEUE_CAPACITY",
          "1000000",
          "Samples held in memory while the database is slow or down; beyond it the oldest are"
              + " dropped and counted.",
          Integer::parseInt);
  public static final Option<Integer> SAMPLE_WRITERS =
      new Option<>(
          "NOVACRON_SAMPLE_WRITERS",
          "2",
          "Threads (each with one database connection) writing samples in parallel.",
          OperatorConfig::positive);
  public static final Option<String> HTTP_HOST =
      new Option<>(
          "NOVACRON_HTTP_HOST",
          "0.0.0.0",
          "Address the HTTP API (history, summary, health, metrics) listens on.",
          s -> s);
  public static final Option<Integer> HTTP_PORT =
      new Option<>(
          "NOVACRON_HTTP_PORT",
          "8080",
          "Port of the HTTP API; 0 picks a free one (logged at start).",
          OperatorConfig::parsePort);
  public static final Option<Duration> FORECAST_HORIZON =
      new Option<>(
          "NOVACRON_FORECAST_HORIZON",
          "5m",
          "How far ahead each VM's CPU and memory are forecast (status.forecast).",
          Durations::parse);
  public static final Option<Duration> FORECAST_INTERVAL =
      new Option<>(
          "NOVACRON_FORECAST_INTERVAL",
          "60s",
          "How often every VM is forecast (all together, batched); status.forecast is written when the"
              + " forecast moves by 5 points or the predictor changes, else at most every 5 minutes.",
          Durations::parse);
  public static final Option<Duration> FORECAST_RETRAIN_INTERVAL =
      new Option<>(
          "NOVACRON_FORECAST_RETRAIN_INTERVAL",
          "6h",
          "How often the forecast model is retrained from the metric history, in the background.",
          Durations::parse);
  public static final Option<Duration> FORECAST_HISTORY =
      new Option<>(
          "NOVACRON_FORECAST_HISTORY",
          "2d",
          "How much raw history (of up to 500 VMs) each training run learns from; the newest 20 %"
              + " is held out to decide whether the model or a baseline serves.",
          Durations::parse);
  public static final Option<Duration> MIGRATION_TIMEOUT_PER_GIB =
      new Option<>(
          "NOVACRON_MIGRATION_TIMEOUT_PER_GIB",
          "150s",
          "Default completion timeout of a Migration per GiB of the VM's memory (at least one"
              + " GiB's worth); a Migration's completionTimeoutSeconds overrides it.",
          Durations::parse);
  public static final Option<Duration> MIGRATION_PROGRESS_TIMEOUT =
      new Option<>(
          "NOVACRON_MIGRATION_PROGRESS_TIMEOUT",
          "150s",
          "Default time a migration may go without sending down the data it has left before it is"
              + " aborted (PostCopy: switched to post-copy).",
          Durations::parse);
  public static final Option<Duration> MIGRATION_PROGRESS_INTERVAL =
      new Option<>(
          "NOVACRON_MIGRATION_PROGRESS_INTERVAL",
          "2s",
          "How often a running Migration's progress is written to its status.",
          Durations::parse);
  public static final Option<Integer> RECONCILE_THREADS =
      new Option<>(
          "NOVACRON_RECONCILE_THREADS",
          "10",
          "Concurrent reconciliations across all resources.",
          Integer::parseInt);

  public static final List<Option<?>> OPTIONS =
      List.of(
          NAMESPACES,
          DOMAIN_TYPE,
          CONSOLE_LOG_DIR,
          LIBVIRT_CALL_TIMEOUT,
          RECONNECT_BACKOFF_MAX,
          POOL_POLL_INTERVAL,
          VM_POLL_INTERVAL,
          SHUTDOWN_GRACE_PERIOD,
          START_RETRY_INTERVAL,
          SAMPLE_INTERVAL,
          USAGE_REFRESH,
          DATABASE_URL,
          DATABASE_USER,
          DATABASE_PASSWORD,
          DATABASE_PASSWORD_FILE,
          POLICY_FILE,
          DATA_DIR,
          RAW_RETENTION,
          ROLLUP_1M_RETENTION,
          ROLLUP_1H_RETENTION,
          SAMPLE_QUEUE_CAPACITY,
          SAMPLE_WRITERS,
          HTTP_HOST,
          HTTP_PORT,
          FORECAST_HORIZON,
          FORECAST_INTERVAL,
          FORECAST_RETRAIN_INTERVAL,
          FORECAST_HISTORY,
          MIGRATION_TIMEOUT_PER_GIB,
          MIGRATION_PROGRESS_TIMEOUT,
          MIGRATION_PROGRESS_INTERVAL,
          RECONCILE_THREADS);

  public static final String CONFIG_FILE_KEY = "NOVACRON_CONFIG_FILE";

  private final Map<String, String> values;

  private OperatorConfig(Map<String, String> values) {
    this.values = values;
    OPTIONS.forEach(this::get); // fail at start-up, not at first use
  }

  /** Reads the process environment and the optional file it names. */
  public static OperatorConfig fromEnvironment() {
    return from(System.getenv());
  }

  public static OperatorConfig from(Map<String, String> env) {
    Map<String, String> values = new HashMap<>();
    String file = env.get(CONFIG_FILE_KEY);
    if (file != null && !file.isBlank()) {
      values.putAll(readFile(Path.of(file)));
    }
    OPTIONS.forEach(
        o -> {
          if (env.containsKey(o.key())) {
            values.put(o.key(), env.get(o.key()));
          }
        });
    return new OperatorConfig(values);
  }

  public <T> T get(Option<T> option) {
    return option.parse(values.getOrDefault(option.key(), option.defaultValue()));
  }

  /** The README's configuration table. */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder("| Key | Default | Description |\n|---|---|---|\n");
    for (Option<?> o : OPTIONS) {
      String shownDefault = o.defaultValue().isEmpty() ? "(empty)" : "`" + o.defaultValue() + "`";
      sb.append("| `")
          .append(o.key())
          .append("` | ")
          .append(shownDefault)
          .append(" | ")
          .append(o.description())
          .append(" |\n");
    }
    return sb.toString();
  }

  private static Map<String, String> readFile(Path path) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(path)) {
      props.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read configuration file " + path + ": " + e, e);
    }
    Set<String> known = OPTIONS.stream().map(Option::key).collect(Collectors.toSet());
    Map<String, String> values = new HashMap<>();
    for (String key : props.stringPropertyNames()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException("Unknown option " + key + " in " + path);
      }
      values.put(key, props.getProperty(key));
    }
    return values;
  }

  /** Where metric history lives; the password comes from the file option when it is set. */
  public DatabaseSettings databaseSettings() {
    String password = get(DATABASE_PASSWORD);
    String file = get(DATABASE_PASSWORD_FILE);
    if (!file.isBlank()) {
      try {
        password = Files.readString(Path.of(file)).strip();
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "Cannot read " + DATABASE_PASSWORD_FILE.key() + " " + file + ": " + e.getMessage(), e);
      }
    }
    return new DatabaseSettings(
        get(DATABASE_URL), get(DATABASE_USER), password, Path.of(get(DATA_DIR)));
  }

  private static Set<String> parseSet(String raw) {
    return Arrays.stream(raw.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static int parsePort(String raw) {
    int port = Integer.parseInt(raw);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("expected a port from 0 to 65535");
    }
    return port;
  }

  private static int positive(String raw) {
    int n = Integer.parseInt(raw);
    if (n < 1) {
      throw new IllegalArgumentException("expected 1 or more");
    }
    return n;
  }

  private static String parseDomainType(String raw) {
    if (!raw.equals("kvm") && !raw.equals("qemu")) {
      throw new IllegalArgumentException("expected kvm or qemu");
    }
    return raw;
  }
}
