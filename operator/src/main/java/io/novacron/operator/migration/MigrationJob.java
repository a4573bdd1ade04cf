package io.novacron.operator.migration;

import io.novacron.operator.libvirt.JobStats;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One move under way: the blocking libvirt work running on its own thread, and what the reconciler
 * has learnt about it between reconciles (progress, whether it asked for an abort and why).
 */
final class MigrationJob {
  private final Instant startedAt;
  private final Deadlines deadlines;
  private volatile Long downtimeMillis;
  private volatile Future<?> work;
  private volatile String abortReason;
  private volatile String abortMessage;
  private volatile boolean postCopyStarted;
  private volatile String step = "starting";
  private volatile int stepPercent;
  private long leastRemaining = Long.MAX_VALUE;
  private Instant lastProgressAt;
  private Instant lastStatusWrite = Instant.MIN;
  private JobStats lastStats;

  /** Longest the move may take, and longest it may go without progress. */
  record Deadlines(Duration completion, Duration progress) {}

  MigrationJob(Instant startedAt, Deadlines deadlines) {
    this.startedAt = startedAt;
    this.deadlines = deadlines;
    this.lastProgressAt = startedAt;
  }

  /** Runs {@code body} on {@code threads}; the body may report its steps on this job. */
  void begin(Executor threads, Consumer<MigrationJob> body) {
    work = CompletableFuture.runAsync(() -> body.accept(this), threads);
  }

  Instant startedAt() {
    return startedAt;
  }

  Deadlines deadlines() {
    return deadlines;
  }

  /** A cold move measures the guest's downtime itself: from stop requested to running again. */
  void downtime(Duration downtime) {
    downtimeMillis = downtime.toMillis();
  }

  Long downtimeMillis() {
    return downtimeMillis;
  }

  boolean done() {
    return work != null && work.isDone();
  }

  /** Null when the move succeeded; else what failed. Only once {@link #done()}. */
  Throwable failure() {
    try {
      work.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }

  /**
   * Records that we aborted the move, and why ({@code reason} is a condition reason such as
   * Cancelled or CompletionTimeout). The first reason stays.
   */
  synchronized void markAborted(String reason, String message) {
    if (abortReason == null) {
      abortMessage = message;
      abortReason = reason;
    }
  }

  String abortReason() {
    return abortReason;
  }

  String abortMessage() {
    return abortMessage;
  }

  boolean postCopyStarted() {
    return postCopyStarted;
  }

  void postCopyStarted(boolean started) {
    postCopyStarted = started;
  }

  /** For moves that are a series of steps (cold): where it is, in words and percent. */
  void step(String description, int percent) {
    step = description;
    stepPercent = percent;
  }

  String step() {
    return step;
  }

  int stepPercent() {
    return stepPercent;
  }

  /** The last statistics read while the move ran, or null. */
  synchronized JobStats lastStats() {
    return lastStats;
  }

  /** Notes the data libvirt still has to send; progress means it reached a new low. */
  synchronized void observe(JobStats stats, Instant now) {
    lastStats = stats;
    if (stats.dataRemaining() >= 0 && stats.dataRemaining() < leastRemaining) {
      leastRemaining = stats.dataRemaining();
      lastProgressAt = now;
    }
  }

  synchronized Duration sinceProgress(Instant now) {
    return Duration.between(lastProgressAt, now);
  }

  /** True (and remembered) when a status write is due, at most once per {@code interval}. */
  synchronized boolean statusWriteDue(Instant now, Duration interval) {
    if (Duration.between(lastStatusWrite, now).compareTo(interval) < 0) {
      return false;
    }
    lastStatusWrite = now;
    return true;
  }
}
