package io.novacron.operator.store;

import de.bytefish.pgbulkinsert.pgsql.handlers.IValueHandler;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Binary COPY encoders for the sample columns, plugged into PgBulkInsert through its value-handler
 * extension point. Its stock handlers cost more than the server's work per row: a ZoneRules object
 * per timestamp (ZonedDateTime.ofInstant), a byte buffer and stream per array, a 16-byte scratch
 * array per UUID, and a synchronized call per byte for every length and value. These write the same
 * wire format (PostgreSQL's *_send functions) with no allocation, a field per call.
 */
final class CopyValues {
  /** Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01T00:00:00Z. */
  private static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;

  static final int FLOAT4_OID = 700;
  static final int INT8_OID = 20;
  static final int TIMESTAMPTZ_OID = 1184;
  private static final int ARRAY_HEADER_BYTES = 5 * Integer.BYTES;
  private static final int DIMENSION_BYTES = 2 * Integer.BYTES;
  private static final int ARRAY_ELEMENT_BYTES = Integer.BYTES + Float.BYTES;

  private CopyValues() {}

  /** timestamptz: microseconds since 2000-01-01 UTC. */
  static final IValueHandler<Instant> TIMESTAMPTZ =
      new Handler<>(8) {
        @Override
        void write(DataOutputStream out, Instant at) throws IOException {
          out.writeInt(8);
          out.writeLong(postgresMicros(at));
        }
      };

  private static long postgresMicros(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000)
        - POSTGRES_EPOCH_MICROS;
  }

  /** uuid: its 16 bytes, most significant first. */
  static final IValueHandler<UUID> UUID_BYTES =
      new Handler<>(16) {
        @Override
        void write(DataOutputStream out, UUID uuid) throws IOException {
          out.writeInt(16);
          out.writeLong(uuid.getMostSignificantBits());
          out.writeLong(uuid.getLeastSignificantBits());
        }
      };

  /** real: the length and the IEEE bits in one 8-byte write. */
  static final IValueHandler<Number> FLOAT4 =
      new Handler<>(4) {
        @Override
        void write(DataOutputStream out, Number value) throws IOException {
          writeFloat4(out, value.doubleValue());
        }
      };

  /** double precision. */
  static final IValueHandler<Double> FLOAT8 =
      new Handler<>(8) {
        @Override
        void write(DataOutputStream out, Double value) throws IOException {
          out.writeInt(8);
          out.writeDouble(value);
        }
      };

  /** integer: the length and the value in one 8-byte write. */
  static final IValueHandler<Integer> INT4 =
      new Handler<>(4) {
        @Override
        void write(DataOutputStream out, Integer value) throws IOException {
          out.writeLong((long) Integer.BYTES << 32 | value & 0xFFFFFFFFL);
        }
      };

  /** bigint. */
  static final IValueHandler<Long> INT8 =
      new Handler<>(8) {
        @Override
        void write(DataOutputStream out, Long value) throws IOException {
          out.writeInt(8);
          out.writeLong(value);
        }
      };

  /** real[]: one dimension starting at 1, no nulls, then length-prefixed elements. */
  static final IValueHandler<List<Double>> FLOAT4_ARRAY =
      new Handler<>(0) {
        @Override
        void write(DataOutputStream out, List<Double> values) throws IOException {
          out.writeInt(getLength(values));
          out.writeLong(1L << 32); // dimensions 1, has-nulls 0
          out.writeLong((long) FLOAT4_OID << 32 | values.size());
          out.writeInt(1); // lower bound
          for (Double value : values) {
            FLOAT4.handle(out, value);
          }
        }

        @Override
        public int getLength(List<Double> values) {
          return ARRAY_HEADER_BYTES + values.size() * ARRAY_ELEMENT_BYTES;
        }
      };

  /** One element of an array column, taken from one item (e.g. a sample of a run). */
  interface Element<S> {
    /** Bytes of a non-null value, without its length word. */
    int valueBytes();

    boolean isNull(S item);

    /** Writes the length word and the value of a non-null element. */
    void write(DataOutputStream out, S item) throws IOException;
  }

  static <S> Element<S> float4(ToDoubleFunction<S> value) {
    return new Element<>() {
      @Override
      public int valueBytes() {
        return Float.BYTES;
      }

      @Override
      public boolean isNull(S item) {
        return false;
      }

      @Override
      public void write(DataOutputStream out, S item) throws IOException {
        writeFloat4(out, value.applyAsDouble(item));
      }
    };
  }

  static <S> Element<S> int8(Function<S, Long> value) {
    return eightBytes(item -> value.apply(item) == null, value::apply);
  }

  static <S> Element<S> timestamptz(Function<S, Instant> value) {
    return eightBytes(item -> false, item -> postgresMicros(value.apply(item)));
  }

  private static <S> Element<S> eightBytes(Predicate<S> isNull, ToLongFunction<S> value) {
    return new Element<>() {
      @Override
      public int valueBytes() {
        return Long.BYTES;
      }

      @Override
      public boolean isNull(S item) {
        return isNull.test(item);
      }

      @Override
      public void write(DataOutputStream out, S item) throws IOException {
        out.writeInt(Long.BYTES);
        out.writeLong(value.applyAsLong(item));
      }
    };
  }

  /** A one-dimensional array with one element per item, lower bound 1. */
  static <S> IValueHandler<List<S>> arrayOf(int elementOid, Element<S> element) {
    return new Handler<>(0) {
      @Override
      void write(DataOutputStream out, List<S> items) throws IOException {
        boolean hasNull = false;
        int bytes = ARRAY_HEADER_BYTES;
        for (S item : items) {
          boolean isNull = element.isNull(item);
          hasNull |= isNull;
          bytes += Integer.BYTES + (isNull ? 0 : element.valueBytes());
        }
        out.writeInt(bytes);
        out.writeLong(1L << 32 | (hasNull ? 1 : 0));
        out.writeLong((long) elementOid << 32 | items.size());
        out.writeInt(1);
        for (S item : items) {
          if (element.isNull(item)) {
            out.writeInt(-1);
          } else {
            element.write(out, item);
          }
        }
      }
    };
  }

  /**
   * real[][]: one row per item, all rows as long as the first (an empty array when they are empty);
   * the caller keeps the row lengths equal.
   */
  static <S> IValueHandler<List<S>> float4Matrix(Function<S, List<Double>> row) {
    return new Handler<>(0) {
      @Override
      void write(DataOutputStream out, List<S> items) throws IOException {
        int columns = row.apply(items.get(0)).size();
        if (columns == 0) {
          out.writeInt(3 * Integer.BYTES);
          out.writeLong(0L); // no dimensions, no nulls
          out.writeInt(FLOAT4_OID);
          return;
        }
        out.writeInt(
            ARRAY_HEADER_BYTES + DIMENSION_BYTES + items.size() * columns * ARRAY_ELEMENT_BYTES);
        out.writeLong(2L << 32); // dimensions 2, has-nulls 0
        out.writeLong((long) FLOAT4_OID << 32 | items.size());
        out.writeLong(1L << 32 | columns); // lower bound 1; then the second dimension
        out.writeInt(1);
        for (S item : items) {
          for (Double value : row.apply(item)) {
            writeFloat4(out, value);
          }
        }
      }
    };
  }

  private static void writeFloat4(DataOutputStream out, double value) throws IOException {
    out.writeLong((long) Float.BYTES << 32 | Float.floatToIntBits((float) value) & 0xFFFFFFFFL);
  }

  /** A nullable column: -1 as the length of null, as PostgreSQL's binary format has it. */
  private abstract static class Handler<T> implements IValueHandler<T> {
    private final int length;

    Handler(int length) {
      this.length = length;
    }

    abstract void write(DataOutputStream out, T value) throws IOException;

    @Override
    public final void handle(DataOutputStream out, T value) {
      try {
        if (value == null) {
          out.writeInt(-1);
        } else {
          write(out, value);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public int getLength(T value) {
      return length;
    }
  }
}
