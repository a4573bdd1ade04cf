package io.novacron.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This process's anonymous resident memory, from /proc: the heap's pages as far as they were
 * touched, and what native code allocated (PyTorch's tensors and allocator, JIT code). With the
 * heap pre-touched ({@code -Xms} = {@code -Xmx}, {@code -XX:+AlwaysPreTouch}) a change in it is
 * native memory alone.
 */
public final class ResidentMemory {
  private ResidentMemory() {}

  public static long anonymousKiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("RssAnon:")) {
          return Long.parseLong(line.split("\\s+")[1]);
        }
      }
      throw new IllegalStateException("no RssAnon in /proc/self/status");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Bytes of the JVM's direct buffers, part of the native memory: DJL hands every array it creates
   * from Java data to PyTorch in one, released only when a garbage collection reaches it.
   */
  public static long directBytes() {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(pool -> pool.getName().equals("direct"))
        .mapToLong(BufferPoolMXBean::getMemoryUsed)
        .sum();
  }

  /**
   * The highest {@link #anonymousKiB()} and {@link #directBytes()} seen while open, sampled every
   * 100 ms.
   */
  public static final class Peak implements AutoCloseable {
    private final AtomicLong peakKiB = new AtomicLong(anonymousKiB());
    private final AtomicLong peakDirect = new AtomicLong(directBytes());
    private final Thread sampler;

    public Peak() {
      sampler =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  peakKiB.accumulateAndGet(anonymousKiB(), Math::max);
                  peakDirect.accumulateAndGet(directBytes(), Math::max);
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "resident-memory");
      sampler.setDaemon(true);
      sampler.start();
    }

    public long kiB() {
      return peakKiB.accumulateAndGet(anonymousKiB(), Math::max);
    }

    public long directPeakBytes() {
      return peakDirect.accumulateAndGet(directBytes(), Math::max);
    }

    @Override
    public void close() {
      sampler.interrupt();
    }
  }
}
