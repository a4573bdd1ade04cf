package io.novacron.operator.forecast;

import java.nio.file.Path;

/**
 * Points DJL at the PyTorch CPU library shipped in the pytorch-native-cpu jar and keeps it from
 * reaching the network: offline mode, CPU flavour, and its caches (where the native library is
 * unpacked, ~430 MB, once) under a directory of ours. PyTorch runs each operation on the calling
 * thread alone: with its default of a thread per core, every forward pass waited for the busier of
 * the two cores, which the operator shares with PostgreSQL and its own threads (in the forecast
 * cycle, PyTorch's share took 37-264 ms with two threads and 52-112 ms with one; README,
 * Benchmarks). Settings already given on the command line or in the environment win.
 */
public final class DjlSetup {
  private DjlSetup() {}

  public static void configure(Path cacheDir) {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("PYTORCH_FLAVOR", "cpu");
    setIfAbsent("DJL_CACHE_DIR", cacheDir.toAbsolutePath().toString());
    setIfAbsent("ENGINE_CACHE_DIR", cacheDir.toAbsolutePath().toString());
    setIfAbsent("ai.djl.pytorch.num_threads", "1");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getenv(key) == null && System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
