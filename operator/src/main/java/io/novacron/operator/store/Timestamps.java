package io.novacron.operator.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants as the JDBC driver binds them to {@code timestamptz} parameters. */
public final class Timestamps {
  private Timestamps() {}

  public static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
