package io.novacron.operator.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The metric database: started (when embedded), pooled with HikariCP, migrated by Flyway. */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  /**
   * How long a JVM that is exiting gets to close the database itself (the operator's shutdown first
   * writes the queued samples and saves the daily profiles) before the embedded server is stopped
   * anyway, so that no exit leaves it running. Whatever a program does at exit before closing the
   * operator must fit well within it.
   */
  public static final Duration CLOSE_AT_EXIT_WAIT = Duration.ofSeconds(30);

  private final EmbeddedPostgres embedded;
  private final HikariDataSource pool;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final Thread stopAtExit;

  private Database(EmbeddedPostgres embedded, HikariDataSource pool, Duration closeAtExitWait) {
    this.embedded = embedded;
    this.pool = pool;
    this.stopAtExit =
        embedded == null
            ? null
            : new Thread(() -> stopIfLeftOpen(closeAtExitWait), "embedded-postgres-at-exit");
    if (stopAtExit != null) {
      Runtime.getRuntime().addShutdownHook(stopAtExit);
    }
  }

  /** Starts (if embedded), connects and migrates; throws when the database cannot be used. */
  public static Database open(DatabaseSettings settings) {
    return open(settings, CLOSE_AT_EXIT_WAIT);
  }

  static Database open(DatabaseSettings settings, Duration closeAtExitWait) {
    EmbeddedPostgres embedded = null;
    HikariConfig config = new HikariConfig();
    config.setPoolName("novacron-metrics");
    // the sample writers and the rollup closer hold one each while ingesting; queries need the rest
    config.setMaximumPoolSize(6);
    config.setConnectionTimeout(5_000); // a down database fails fast; the writer retries
    // Our statements are short aggregations; compiling them with LLVM costs more than it saves.
    config.setConnectionInitSql("SET jit = off");
    try {
      if (settings.embedded()) {
        Files.createDirectories(settings.dataDir());
        embedded =
            EmbeddedPostgres.builder()
                .setDataDirectory(settings.dataDir().resolve("postgres"))
                .setCleanDataDirectory(false)
                // zonky's own JVM shutdown hook stopped the server beside the operator's, which
                // still writes the queued samples and saves the daily profiles through it at stop:
                // the server goes when close() says so, or CLOSE_AT_EXIT_WAIT into the JVM's exit
                .setRegisterShutdownHook(false)
                .setOverrideWorkingDirectory(settings.dataDir().resolve("pg-runtime").toFile())
                // the history must survive a host crash, not only a restart: zonky turns fsync
                // off for throwaway test databases. Commits stay asynchronous (a crash may lose
                // the last fraction of a second of samples, never corrupt the store).
                .setServerConfig("fsync", "on")
                // the sample writer's COPY fills the default 4 MB of WAL buffers in milliseconds
                .setServerConfig("wal_buffers", "32MB")
                // ingestion fills 1 GB of WAL in seconds; PostgreSQL then warned of checkpoints
                // every 14 s, each followed by full-page images of every page touched again
                .setServerConfig("max_wal_size", "4GB")
                .setServerConfig("checkpoint_timeout", "15min")
                .start();
        config.setJdbcUrl(embedded.getJdbcUrl("postgres", "postgres"));
      } else {
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
      }
      HikariDataSource pool = new HikariDataSource(config);
      Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
      log.info("Metric database ready: {}", settings);
      return new Database(embedded, pool, closeAtExitWait);
    } catch (IOException e) {
      closeQuietly(embedded);
      throw new UncheckedIOException("cannot start " + settings + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(embedded);
      throw e;
    }
  }

  public DataSource dataSource() {
    return pool;
  }

  @Override
  public void close() {
    if (!closed.complete(null)) {
      return; // closed before, or being closed by another thread
    }
    if (stopAtExit != null && Thread.currentThread() != stopAtExit) {
      try {
        Runtime.getRuntime().removeShutdownHook(stopAtExit);
      } catch (IllegalStateException exiting) {
        // closed by the program's own shutdown hook: ours finds it closed and returns
      }
    }
    pool.close();
    closeQuietly(embedded);
  }

  private void stopIfLeftOpen(Duration wait) {
    try {
      closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return;
    } catch (TimeoutException | ExecutionException e) {
      // nobody closed it in time (it is never completed exceptionally)
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.warn("The metric database was not closed {} into the JVM's exit; stopping it", wait);
    close();
  }

  private static void closeQuietly(EmbeddedPostgres embedded) {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        log.warn("Stopping the embedded PostgreSQL failed: {}", e.getMessage());
      }
    }
  }
}
