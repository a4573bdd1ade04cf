package io.novacron.operator.testing;

import io.novacron.operator.config.OperatorConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The configuration the whole-operator tests run with: QEMU domains, one-second polling and
 * sampling, the HTTP API on a free loopback port, metric history in the given PostgreSQL.
 */
public final class FastOperatorConfig {
  private FastOperatorConfig() {}

  public static OperatorConfig with(RestartablePostgres postgres, Map<String, String> extra) {
    Map<String, String> values = new HashMap<>();
    values.put("NOVACRON_DOMAIN_TYPE", "qemu");
    values.put("NOVACRON_POOL_POLL_INTERVAL", "1s");
    values.put("NOVACRON_VM_POLL_INTERVAL", "1s");
    values.put("NOVACRON_SAMPLE_INTERVAL", "1s");
    values.put("NOVACRON_HTTP_HOST", "127.0.0.1");
    values.put("NOVACRON_HTTP_PORT", "0");
    values.put("NOVACRON_DATABASE_URL", postgres.settings().url());
    values.put("NOVACRON_DATABASE_USER", postgres.settings().user());
    values.putAll(extra);
    return OperatorConfig.from(values);
  }
}
