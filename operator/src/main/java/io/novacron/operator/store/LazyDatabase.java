package io.novacron.operator.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Opens the metric database on first use and again after a failed attempt, so the operator starts
 * and runs VMs even while PostgreSQL is unreachable; the writer's retries drive it.
 */
public final class LazyDatabase implements ConnectionSource, AutoCloseable {
  private final DatabaseSettings settings;
  private Database database;
  private boolean closed;

  public LazyDatabase(DatabaseSettings settings) {
    this.settings = settings;
  }

  /**
   * A pooled connection. Only opening the database is serialised: waiting for a connection from the
   * pool (up to its timeout while PostgreSQL is down) happens outside the lock, so the writer's
   * retries never make a readiness probe queue behind them.
   */
  @Override
  public Connection connect() throws SQLException {
    return open().dataSource().getConnection();
  }

  private synchronized Database open() throws SQLException {
    if (closed) {
      throw new SQLException("metric database closed");
    }
    if (database == null) {
      try {
        database = Database.open(settings);
      } catch (RuntimeException e) {
        throw new SQLException("cannot open the metric database: " + e.getMessage(), e);
      }
    }
    return database;
  }

  /** Throws unless the database answers and every migration has been applied successfully. */
  public void checkMigrated() throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FILTER (WHERE NOT success), count(*) FROM flyway_schema_history")) {
      rs.next();
      if (rs.getLong(1) > 0 || rs.getLong(2) == 0) {
        throw new SQLException("schema migrations have not all been applied");
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (database != null) {
      database.close();
      database = null;
    }
  }
}
