package io.novacron.operator.store;

import de.bytefish.pgbulkinsert.PgBulkInsert;
import de.bytefish.pgbulkinsert.mapping.AbstractMapping;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;

/** Binary COPY of in-memory minute aggregates into vm_rollup_1m. */
final class MinuteCopy {
  private static final PgBulkInsert<MinuteAggregate> ROWS = new PgBulkInsert<>(new MinuteRows());

  private MinuteCopy() {}

  /**
   * PostgreSQL's uuid order (bytes, unsigned), the primary key's: rows in index order make the COPY
   * cheaper for the server.
   */
  private static final Comparator<MinuteAggregate> KEY_ORDER =
      Comparator.<MinuteAggregate, UUID>comparing(
          a -> a.vm,
          (x, y) -> {
            int high = Long.compareUnsigned(x.getMostSignificantBits(), y.getMostSignificantBits());
            return high != 0
                ? high
                : Long.compareUnsigned(x.getLeastSignificantBits(), y.getLeastSignificantBits());
          });

  static void copy(Connection c, Collection<MinuteAggregate> minutes) throws SQLException {
    if (!minutes.isEmpty()) {
      List<MinuteAggregate> rows = new ArrayList<>(minutes);
      rows.sort(KEY_ORDER);
      BulkErrors.rethrowingServerError(() -> ROWS.saveAll(c.unwrap(PGConnection.class), rows));
    }
  }

  private static final class MinuteRows extends AbstractMapping<MinuteAggregate> {
    MinuteRows() {
      super("", "vm_rollup_1m");
      mapUUID("vm_uid", a -> a.vm);
      mapTimeStampTz("bucket", a -> a.minute.atZone(ZoneOffset.UTC));
      mapIntegerPrimitive("samples", a -> a.samples);
      mapTimeStampTz("last_ts", a -> a.lastTs.atZone(ZoneOffset.UTC));
      for (int i = 0; i < RollupSql.METRICS.size(); i++) {
        int metric = i;
        RollupSql.Metric m = RollupSql.METRICS.get(i);
        mapDouble(m.prefix() + "_sum", a -> a.sum(metric));
        if (m.integral()) {
          mapLong(m.prefix() + "_min", a -> whole(a.min(metric)));
          mapLong(m.prefix() + "_max", a -> whole(a.max(metric)));
          mapLong(m.prefix() + "_last", a -> whole(a.last(metric)));
        } else {
          mapFloat(m.prefix() + "_min", a -> real(a.min(metric)));
          mapFloat(m.prefix() + "_max", a -> real(a.max(metric)));
          mapFloat(m.prefix() + "_last", a -> real(a.last(metric)));
        }
      }
    }

    private static Long whole(Double value) {
      return value == null ? null : value.longValue();
    }

    private static Float real(Double value) {
      return value == null ? null : value.floatValue();
    }
  }
}
