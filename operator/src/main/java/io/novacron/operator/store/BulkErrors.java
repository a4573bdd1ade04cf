package io.novacron.operator.store;

import java.sql.SQLException;

/**
 * PgBulkInsert reports a failed COPY as its own unchecked exception; callers need the server's
 * SQLException underneath (its SQLSTATE tells a duplicate row from a lost connection).
 */
final class BulkErrors {
  private BulkErrors() {}

  static void rethrowingServerError(SqlAction action) throws SQLException {
    try {
      action.run();
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof SQLException sql) {
          throw sql;
        }
      }
      throw new SQLException("COPY failed: " + e.getMessage(), e);
    }
  }

  interface SqlAction {
    void run() throws SQLException;
  }
}
