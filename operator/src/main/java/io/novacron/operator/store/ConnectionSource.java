package io.novacron.operator.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Where the writer gets its connections. */
@FunctionalInterface
public interface ConnectionSource {
  Connection connect() throws SQLException;
}
