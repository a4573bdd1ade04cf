package io.novacron.operator.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.jar.JarFile;

/**
 * Which PostgreSQL a test server runs: the operator's embedded default, or the oldest major version
 * an external database may run, whose binaries Maven copies beside the build (see the operator's
 * pom) because both jars hold the same resource name.
 */
public enum PostgresVersion {
  EMBEDDED_DEFAULT("novacron.embeddedPostgres.version"),
  OLDEST_SUPPORTED("novacron.oldestPostgres.version");

  private static final String JAR = "novacron.oldestPostgres.jar";

  private final String versionProperty;

  PostgresVersion(String versionProperty) {
    this.versionProperty = versionProperty;
  }

  /** The major version (as in {@code server_version_num / 10000}) the pom names. */
  public int major() {
    String version = System.getProperty(versionProperty);
    if (version == null) {
      throw new IllegalStateException(
          versionProperty + " is not set: run the ITs through Maven (./mvnw verify)");
    }
    return Integer.parseInt(version.substring(0, version.indexOf('.')));
  }

  /** The major version of the server {@code c} is connected to. */
  public static int majorRunning(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int")) {
      rs.next();
      return rs.getInt(1) / 10_000;
    }
  }

  void configure(EmbeddedPostgres.Builder builder) {
    if (this == OLDEST_SUPPORTED) {
      Path jar = oldestJar();
      builder.setPgBinaryResolver(
          (system, hardware) -> {
            // as zonky's own resolver names them: postgres-linux-x86_64.txz
            String name = ("postgres-" + system + "-" + hardware + ".txz").toLowerCase(Locale.ROOT);
            try (JarFile file = new JarFile(jar.toFile())) {
              var entry = file.getJarEntry(name);
              if (entry == null) {
                throw new IOException(jar + " has no " + name);
              }
              return new ByteArrayInputStream(file.getInputStream(entry).readAllBytes());
            }
          });
    }
  }

  private static Path oldestJar() {
    String path = System.getProperty(JAR);
    if (path == null || !Files.isRegularFile(Path.of(path))) {
      throw new IllegalStateException(
          "no binaries of the oldest supported PostgreSQL at "
              + JAR
              + "="
              + path
              + ": run the ITs through Maven (./mvnw verify), which copies them there");
    }
    return Path.of(path);
  }
}
