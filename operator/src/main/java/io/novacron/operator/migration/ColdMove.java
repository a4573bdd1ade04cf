package io.novacron.operator.migration;

import io.novacron.operator.libvirt.DomainPower.State;
import io.novacron.operator.libvirt.DomainRuntime;
import io.novacron.operator.libvirt.LibvirtHost;
import io.novacron.operator.libvirt.LibvirtOperationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Moves a VM with a restart: graceful shutdown on the source (forced off after the grace period),
 * the same definition on the target, started and seen running there, then removed from the source.
 * If the target cannot take it, the source definition is started again. Runs on a migration thread.
 */
final class ColdMove {
  private static final Duration POLL = Duration.ofMillis(250);

  private final LibvirtHost source;
  private final LibvirtHost target;
  private final String uuid;
  private final Duration gracePeriod;
  private final Clock clock;

  ColdMove(LibvirtHost source, LibvirtHost target, String uuid, Duration gracePeriod, Clock clock) {
    this.source = source;
    this.target = target;
    this.uuid = uuid;
    this.gracePeriod = gracePeriod;
    this.clock = clock;
  }

  void run(MigrationJob job) {
    String definition = source.definition(uuid);
    boolean wasRunning = isActive(source.domain(uuid));
    Instant stoppedAt = clock.instant();
    if (wasRunning) {
      job.step("shutting the guest down on the source", 10);
      stopOnSource(job);
    }
    if (job.abortReason() != null) {
      restartOnSource(wasRunning);
      throw new LibvirtOperationException(job.abortMessage(), null);
    }
    job.step("defining the domain on the target", 50);
    try {
      target.define(definition);
      if (wasRunning) {
        job.step("starting the domain on the target", 70);
        target.start(uuid);
        if (!isActive(target.domain(uuid))) {
          throw new LibvirtOperationException("the domain did not start on the target", null);
        }
        job.downtime(Duration.between(stoppedAt, clock.instant()));
      }
    } catch (LibvirtOperationException e) {
      undefineQuietly(target);
      restartOnSource(wasRunning);
      throw e;
    }
    job.step("removing the domain from the source", 90);
    source.undefine(uuid);
    job.step("done", 100);
  }

  private void stopOnSource(MigrationJob job) {
    source.shutdown(uuid);
    Instant deadline = clock.instant().plus(gracePeriod);
    while (isActive(source.domain(uuid))) {
      if (job.abortReason() != null || clock.instant().isAfter(deadline)) {
        source.destroy(uuid);
        return;
      }
      sleep();
    }
  }

  private void restartOnSource(boolean wasRunning) {
    if (wasRunning && !isActive(source.domain(uuid))) {
      source.start(uuid);
    }
  }

  private void undefineQuietly(LibvirtHost host) {
    try {
      Optional<DomainRuntime> d = host.domain(uuid);
      if (d.isPresent() && d.get().power().state() != State.SHUT_OFF) {
        host.destroy(uuid);
      }
      if (d.isPresent()) {
        host.undefine(uuid);
      }
    } catch (RuntimeException e) {
      // the rollback on the source matters more; the caller reports the original failure
    }
  }

  private static boolean isActive(Optional<DomainRuntime> d) {
    return d.isPresent() && d.get().power().isRunning();
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LibvirtOperationException("interrupted while waiting for the guest to stop", e);
    }
  }
}
