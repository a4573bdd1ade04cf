package io.novacron.operator;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.novacron.operator.config.OperatorConfig;
import io.novacron.operator.testing.LeftoverPostgres;
import io.novacron.policy.testing.MockApi;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A start that fails part way leaves nothing running that only close() would have stopped. */
class OperatorStartFailureTest {
  private final Path dataDir = Path.of("target/start-failure-test-data").toAbsolutePath();

  @AfterEach
  void stopLeftoverServer() throws IOException {
    LeftoverPostgres.stop(dataDir);
  }

  @Test
  void anHttpPortInUseFailsTheStartAndStopsTheEmbeddedDatabase() throws Exception {
    try (MockApi api = MockApi.start();
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      OperatorConfig config =
          OperatorConfig.from(
              Map.of(
                  "NOVACRON_HTTP_HOST", "127.0.0.1",
                  "NOVACRON_HTTP_PORT", Integer.toString(taken.getLocalPort()),
                  "NOVACRON_DATA_DIR", dataDir.toString()));

      assertThatThrownBy(() -> NovaCronOperator.start(api.client(), config))
          .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());

      // the writers open the embedded PostgreSQL within seconds of their start; a failed start
      // whose parts were never closed left it running, with nothing to stop it
      await()
          .during(Duration.ofSeconds(8))
          .atMost(Duration.ofSeconds(30))
          .until(() -> !Files.exists(LeftoverPostgres.pidFile(dataDir)));
    }
  }
}
