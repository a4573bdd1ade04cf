package io.novacron.operator.testing;

import io.novacron.operator.store.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A real PostgreSQL server (embedded binaries) with its data under {@code target/}, which a test
 * can stop and start again on the same port, to play an outage. The operator reaches it as an
 * external database.
 */
public final class RestartablePostgres implements AutoCloseable {
  private final Path dataDir;
  private final PostgresVersion version;
  private EmbeddedPostgres server;
  private int port;

  private RestartablePostgres(Path dataDir, PostgresVersion version) {
    this.dataDir = dataDir;
    this.version = version;
  }

  /** Starts a server of the embedded default version on an empty data directory. */
  public static RestartablePostgres startClean(Path dataDir) throws IOException {
    return startClean(dataDir, PostgresVersion.EMBEDDED_DEFAULT);
  }

  /** Starts a server of the given version on an empty data directory. */
  public static RestartablePostgres startClean(Path dataDir, PostgresVersion version)
      throws IOException {
    Directories.deleteRecursively(dataDir);
    RestartablePostgres pg = new RestartablePostgres(dataDir.toAbsolutePath(), version);
    pg.start();
    pg.port = pg.server.getPort();
    return pg;
  }

  public void start() throws IOException {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir.resolve("postgres"))
            .setCleanDataDirectory(false)
            .setOverrideWorkingDirectory(dataDir.resolve("pg-runtime").toFile());
    if (port > 0) {
      builder.setPort(port);
    }
    version.configure(builder);
    server = builder.start();
  }

  public void stop() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** Settings that reach this server as an external database. */
  public DatabaseSettings settings() {
    return new DatabaseSettings(
        "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "", dataDir);
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
