package io.novacron.operator.store;

import java.nio.file.Path;

/**
 * Where metric history lives: an external PostgreSQL 14+ when {@code url} is set, otherwise an
 * embedded PostgreSQL whose data directory is under {@code dataDir}, so a restart keeps history.
 */
public record DatabaseSettings(String url, String user, String password, Path dataDir) {
  public boolean embedded() {
    return url == null || url.isBlank();
  }

  @Override
  public String toString() { // never the password
    return embedded() ? "embedded PostgreSQL in " + dataDir : url + " as " + user;
  }
}
