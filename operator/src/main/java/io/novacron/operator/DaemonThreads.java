package io.novacron.operator;

import java.util.concurrent.ThreadFactory;

/** Thread factories for the operator's background threads, which must not keep the JVM alive. */
public final class DaemonThreads {
  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
