package io.novacron.operator.migration;

import io.novacron.operator.DaemonThreads;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The moves running in this operator, by Migration UID. Each runs on a thread of its own: libvirt's
 * migrate call blocks for the whole move, which must never hold a reconcile thread.
 */
public final class MigrationJobs implements AutoCloseable {
  private final ExecutorService threads =
      Executors.newCachedThreadPool(DaemonThreads.named("migration"));
  private final Map<String, MigrationJob> byUid = new ConcurrentHashMap<>();

  /** Starts {@code work}, which may report its steps on the job it is given. */
  MigrationJob start(
      String uid, Instant now, MigrationJob.Deadlines deadlines, Consumer<MigrationJob> work) {
    MigrationJob job = new MigrationJob(now, deadlines);
    byUid.put(uid, job);
    job.begin(threads, work);
    return job;
  }

  Optional<MigrationJob> get(String uid) {
    return Optional.ofNullable(byUid.get(uid));
  }

  void forget(String uid) {
    byUid.remove(uid);
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
