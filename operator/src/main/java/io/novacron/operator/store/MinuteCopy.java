package io.novacron.operator.store;

import de.bytefish.pgbulkinsert.PgBulkInsert;
import de.bytefish.pgbulkinsert.mapping.AbstractMapping;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.postgresql.PGConnection;

/** Binary COPY of in-memory minute aggregates into vm_rollup_1m. */
final class MinuteCopy {
  private static final PgBulkInsert<MinuteAggregate> ROWS = new PgBulkInsert<>(new MinuteRows());

  private MinuteCopy() {}

  /** The primary key's order: rows in index order make the COPY cheaper for the server. */
  private static final Comparator<MinuteAggregate> KEY_ORDER =
      Comparator.comparing(a -> a.vm, KeyOrder.UUIDS);

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
      map("vm_uid", CopyValues.UUID_BYTES, a -> a.vm);
      map("bucket", CopyValues.TIMESTAMPTZ, a -> a.minute);
      map("samples", CopyValues.INT4, a -> a.samples);
      map("last_ts", CopyValues.TIMESTAMPTZ, a -> a.lastTs);
      for (int i = 0; i < RollupSql.METRICS.size(); i++) {
        int metric = i;
        RollupSql.Metric m = RollupSql.METRICS.get(i);
        map(m.prefix() + "_sum", CopyValues.FLOAT8, a -> a.sum(metric));
        if (m.integral()) {
          map(m.prefix() + "_min", CopyValues.INT8, a -> whole(a.min(metric)));
          map(m.prefix() + "_max", CopyValues.INT8, a -> whole(a.max(metric)));
          map(m.prefix() + "_last", CopyValues.INT8, a -> whole(a.last(metric)));
        } else {
          map(m.prefix() + "_min", CopyValues.FLOAT4, a -> a.min(metric));
          map(m.prefix() + "_max", CopyValues.FLOAT4, a -> a.max(metric));
          map(m.prefix() + "_last", CopyValues.FLOAT4, a -> a.last(metric));
        }
      }
    }

    private static Long whole(Double value) {
      return value == null ? null : value.longValue();
    }
  }
}
