package io.novacron.operator.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Binary COPY of in-memory minute aggregates into vm_rollup_1m. */
final class MinuteCopy {
  private static final List<String> COLUMNS = columns();

  /** The primary key's order: rows in index order make the COPY cheaper for the server. */
  private static final Comparator<MinuteAggregate> KEY_ORDER =
      Comparator.comparing(a -> a.vm, KeyOrder.UUIDS);

  private MinuteCopy() {}

  private static List<String> columns() {
    List<String> columns = new ArrayList<>(List.of("vm_uid", "bucket", "samples", "last_ts"));
    for (RollupSql.Metric m : RollupSql.METRICS) {
      for (String aggregate : List.of("_sum", "_min", "_max", "_last")) {
        columns.add(m.prefix() + aggregate);
      }
    }
    return List.copyOf(columns);
  }

  static void copy(Connection c, Collection<MinuteAggregate> minutes) throws SQLException {
    if (minutes.isEmpty()) {
      return;
    }
    List<MinuteAggregate> rows = new ArrayList<>(minutes);
    rows.sort(KEY_ORDER);
    BinaryCopy.copyRows(c, "vm_rollup_1m", COLUMNS, rows, MinuteCopy::encode);
  }

  private static void encode(BinaryCopy fields, MinuteAggregate a) throws SQLException {
    fields.uuid(a.vm).timestamptz(a.minute).int4(a.samples).timestamptz(a.lastTs);
    for (int metric = 0; metric < MinuteAggregate.METRICS; metric++) {
      fields.float8(a.sum(metric));
      if (RollupSql.METRICS.get(metric).integral()) {
        fields.int8(whole(a.min(metric))).int8(whole(a.max(metric))).int8(whole(a.last(metric)));
      } else {
        fields.float4(a.min(metric)).float4(a.max(metric)).float4(a.last(metric));
      }
    }
  }

  private static Long whole(Double value) {
    return value == null ? null : value.longValue();
  }
}
