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

/**
 * Binary COPY of in-memory aggregates: closed minutes into vm_rollup_1m, hour deltas into the
 * closing's temporary table {@value RollupSql#HOUR_DELTAS}.
 */
final class AggregateCopy {
  private static final PgBulkInsert<MinuteAggregate> MINUTES =
      new PgBulkInsert<>(new RollupRows("vm_rollup_1m"));
  private static final PgBulkInsert<MinuteAggregate> HOUR_DELTAS =
      new PgBulkInsert<>(new RollupRows(RollupSql.HOUR_DELTAS));

  private AggregateCopy() {}

  /** The primary key's order: rows in index order make the COPY cheaper for the server. */
  private static final Comparator<MinuteAggregate> KEY_ORDER =
      Comparator.comparing(a -> a.vm, KeyOrder.UUIDS);

  static void minutes(Connection c, Collection<MinuteAggregate> minutes) throws SQLException {
    copy(c, MINUTES, minutes);
  }

  static void hourDeltas(Connection c, Collection<MinuteAggregate> deltas) throws SQLException {
    copy(c, HOUR_DELTAS, deltas);
  }

  private static void copy(
      Connection c, PgBulkInsert<MinuteAggregate> into, Collection<MinuteAggregate> aggregates)
      throws SQLException {
    if (!aggregates.isEmpty()) {
      List<MinuteAggregate> rows = new ArrayList<>(aggregates);
      rows.sort(KEY_ORDER);
      BulkErrors.rethrowingServerError(() -> into.saveAll(c.unwrap(PGConnection.class), rows));
    }
  }

  private static final class RollupRows extends AbstractMapping<MinuteAggregate> {
    RollupRows(String table) {
      super("", table);
      map("vm_uid", CopyValues.UUID_BYTES, a -> a.vm);
      map("bucket", CopyValues.TIMESTAMPTZ, a -> a.bucket);
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
