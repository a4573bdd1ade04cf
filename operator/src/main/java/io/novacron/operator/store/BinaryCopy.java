package io.novacron.operator.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One COPY ... FROM STDIN (FORMAT BINARY) through PgJDBC's CopyIn: rows are encoded into one reused
 * buffer (PostgreSQL's *_send wire formats) that goes to the server whenever it fills.
 *
 * <p>Written here rather than through PgBulkInsert, which the writer used before: its mapping boxes
 * every column value and writes through a DataOutputStream whose writeInt is four synchronized
 * calls on JDK 17. Profiled with JFR in {@code bench/run ingestion}, that encoding took about a
 * third of the writer threads' CPU, CPU that PostgreSQL's backends on the same two cores were short
 * of.
 */
final class BinaryCopy implements AutoCloseable {
  /** Signature, flags (no OIDs), header extension length 0. */
  private static final byte[] HEADER = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  private static final short END_OF_DATA = -1;
  private static final int NULL_LENGTH = -1;

  /** Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01T00:00:00Z. */
  private static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;

  private static final int FLOAT4_OID = 700;
  private static final int ARRAY_HEADER_BYTES = 5 * Integer.BYTES;
  private static final int BUFFER_BYTES = 1 << 16;

  private final CopyIn copy;
  private ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES); // big-endian, as the format is

  private BinaryCopy(CopyIn copy) {
    this.copy = copy;
    buffer.put(HEADER);
  }

  /** One row's fields, in the order of the columns named. */
  interface RowEncoder<T> {
    void encode(BinaryCopy fields, T row) throws SQLException;
  }

  /** COPYs the rows into the named columns of the table, in the caller's transaction. */
  static <T> void copyRows(
      Connection c, String table, List<String> columns, List<T> rows, RowEncoder<T> encoder)
      throws SQLException {
    try (BinaryCopy copy = into(c, table, columns)) {
      for (T row : rows) {
        encoder.encode(copy.row(columns.size()), row);
      }
      copy.finish();
    }
  }

  private static BinaryCopy into(Connection c, String table, List<String> columns)
      throws SQLException {
    return new BinaryCopy(
        c.unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn(
                "COPY "
                    + table
                    + " ("
                    + String.join(", ", columns)
                    + ") FROM STDIN (FORMAT BINARY)"));
  }

  private BinaryCopy row(int columns) throws SQLException {
    room(Short.BYTES).putShort((short) columns);
    return this;
  }

  BinaryCopy uuid(UUID value) throws SQLException {
    room(Integer.BYTES + 16)
        .putInt(16)
        .putLong(value.getMostSignificantBits())
        .putLong(value.getLeastSignificantBits());
    return this;
  }

  /** timestamptz: microseconds since 2000-01-01 UTC. */
  BinaryCopy timestamptz(Instant value) throws SQLException {
    room(Integer.BYTES + Long.BYTES)
        .putInt(Long.BYTES)
        .putLong(
            Math.addExact(
                    Math.multiplyExact(value.getEpochSecond(), 1_000_000L), value.getNano() / 1000)
                - POSTGRES_EPOCH_MICROS);
    return this;
  }

  BinaryCopy int4(int value) throws SQLException {
    room(Integer.BYTES * 2).putInt(Integer.BYTES).putInt(value);
    return this;
  }

  BinaryCopy int8(long value) throws SQLException {
    room(Integer.BYTES + Long.BYTES).putInt(Long.BYTES).putLong(value);
    return this;
  }

  BinaryCopy int8(Long value) throws SQLException {
    return value == null ? nullValue() : int8(value.longValue());
  }

  /** real. */
  BinaryCopy float4(double value) throws SQLException {
    room(Integer.BYTES + Float.BYTES).putInt(Float.BYTES).putFloat((float) value);
    return this;
  }

  BinaryCopy float4(Double value) throws SQLException {
    return value == null ? nullValue() : float4(value.doubleValue());
  }

  /** double precision. */
  BinaryCopy float8(Double value) throws SQLException {
    if (value == null) {
      return nullValue();
    }
    room(Integer.BYTES + Double.BYTES).putInt(Double.BYTES).putDouble(value);
    return this;
  }

  /** real[]: one dimension starting at 1, then length-prefixed elements (a null one as -1). */
  BinaryCopy float4Array(List<Double> values) throws SQLException {
    int nulls = 0;
    for (Double value : values) {
      nulls += value == null ? 1 : 0;
    }
    int length =
        ARRAY_HEADER_BYTES + values.size() * Integer.BYTES + (values.size() - nulls) * Float.BYTES;
    ByteBuffer out =
        room(Integer.BYTES + length)
            .putInt(length)
            .putInt(1) // dimensions
            .putInt(nulls > 0 ? 1 : 0)
            .putInt(FLOAT4_OID)
            .putInt(values.size())
            .putInt(1); // lower bound
    for (Double value : values) {
      if (value == null) {
        out.putInt(NULL_LENGTH);
      } else {
        out.putInt(Float.BYTES).putFloat(value.floatValue());
      }
    }
    return this;
  }

  BinaryCopy text(String value) throws SQLException {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    room(Integer.BYTES + utf8.length).putInt(utf8.length).put(utf8);
    return this;
  }

  BinaryCopy nullValue() throws SQLException {
    room(Integer.BYTES).putInt(NULL_LENGTH);
    return this;
  }

  private void finish() throws SQLException {
    room(Short.BYTES).putShort(END_OF_DATA);
    send();
    copy.endCopy();
  }

  /** Abandons the COPY if it did not finish, so the connection can be used again. */
  @Override
  public void close() throws SQLException {
    if (copy.isActive()) {
      copy.cancelCopy();
    }
  }

  private ByteBuffer room(int bytes) throws SQLException {
    if (buffer.remaining() < bytes) {
      send();
      if (buffer.capacity() < bytes) {
        buffer = ByteBuffer.allocate(bytes);
      }
    }
    return buffer;
  }

  private void send() throws SQLException {
    copy.writeToCopy(buffer.array(), 0, buffer.position());
    buffer.clear();
  }
}
