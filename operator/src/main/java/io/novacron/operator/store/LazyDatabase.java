package io.novacron.operator.store;

import java.sql.Connection;
import java.sql.SQLException;

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

  @Override
  public synchronized Connection connect() throws SQLException {
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
    return database.dataSource().getConnection();
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
