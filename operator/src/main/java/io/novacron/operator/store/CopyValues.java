package io.novacron.operator.store;

import de.bytefish.pgbulkinsert.pgsql.handlers.IValueHandler;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

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

  private static final int FLOAT4_OID = 700;
  private static final int ARRAY_HEADER_BYTES = 5 * Integer.BYTES;
  private static final int ARRAY_ELEMENT_BYTES = Integer.BYTES + Float.BYTES;

  private CopyValues() {}

  /** timestamptz: microseconds since 2000-01-01 UTC. */
  static final IValueHandler<Instant> TIMESTAMPTZ =
      new Handler<>(8) {
        @Override
        void write(DataOutputStream out, Instant at) throws IOException {
          out.writeInt(8);
          out.writeLong(
              Math.addExact(
                      Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000)
                  - POSTGRES_EPOCH_MICROS);
        }
      };

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
          out.writeLong(
              (long) Float.BYTES << 32 | Float.floatToIntBits(value.floatValue()) & 0xFFFFFFFFL);
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
