package io.novacron.operator.migration;

import io.novacron.crds.common.MigrationMode;
import io.novacron.crds.common.MigrationTuning;
import io.novacron.crds.migration.Migration;
import io.novacron.crds.migration.MigrationSpec;
import io.novacron.crds.migration.MigrationStatus;
import io.novacron.crds.migration.MigrationStatus.Phase;
import io.novacron.crds.nodepool.NodePoolSpec.Storage;
import io.novacron.crds.vm.DiskSpec;
import io.novacron.crds.vm.VirtualMachine;
import io.novacron.operator.domain.DomainNames;
import io.novacron.operator.libvirt.HostConnections;
import io.novacron.operator.libvirt.HostUnreachableException;
import io.novacron.operator.libvirt.JobStats;
import io.novacron.operator.libvirt.LibvirtHost;
import io.novacron.operator.libvirt.LibvirtOperationException;
import io.novacron.operator.libvirt.LiveMigrationCall;
import io.novacron.operator.migration.MigrationJob.Deadlines;
import io.novacron.policy.VmResources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Starts a Migration's move on a migration thread and, on each reconcile while it runs, reads its
 * progress, applies cancel, the post-copy switch and the timeouts, and finally records how it
 * ended. Writes only the Migration's status object it is given.
 */
final class MigrationRunner {
  private static final double GIB_IN_MIB = 1024.0;

  /** What a look at a running move found. */
  enum Look {
    /** Still running; nothing new worth a status write. */
    UNCHANGED,
    /** Still running; progress or a message to write. */
    PROGRESSED,
    /** Ended: the status holds its final phase. */
    ENDED
  }

  private final HostConnections hosts;
  private final MigrationJobs jobs;
  private final MigrationRecorder recorder;
  private final Clock clock;
  private final Duration timeoutPerGiB;
  private final Duration progressTimeout;
  private final Duration progressInterval;
  private final Duration shutdownGracePeriod;

  MigrationRunner(
      HostConnections hosts,
      MigrationJobs jobs,
      MigrationRecorder recorder,
      Clock clock,
      Duration timeoutPerGiB,
      Duration progressTimeout,
      Duration progressInterval,
      Duration shutdownGracePeriod) {
    this.hosts = hosts;
    this.jobs = jobs;
    this.recorder = recorder;
    this.clock = clock;
    this.timeoutPerGiB = timeoutPerGiB;
    this.progressTimeout = progressTimeout;
    this.progressInterval = progressInterval;
    this.shutdownGracePeriod = shutdownGracePeriod;
  }

  /**
   * Starts moving {@code vm} from {@code sourceUri} to {@code targetUri}; with {@code Local}
   * storage its writable disks are created on the target and copied.
   */
  void start(
      Migration m,
      VirtualMachine vm,
      String sourceUri,
      String targetUri,
      Storage storage,
      MigrationTuning poolDefaults) {
    MigrationSpec spec = m.getSpec();
    String uuid = DomainNames.domainUuid(vm);
    LibvirtHost source = hosts.host(sourceUri);
    Deadlines deadlines = deadlines(spec, vm);
    if (spec.mode == MigrationMode.Cold) {
      Duration grace =
          vm.getSpec().shutdownGracePeriodSeconds == null
              ? shutdownGracePeriod
              : Duration.ofSeconds(vm.getSpec().shutdownGracePeriodSeconds);
      ColdMove move = new ColdMove(source, hosts.host(targetUri), uuid, grace, clock);
      jobs.start(uid(m), clock.instant(), deadlines, move::run);
    } else {
      List<DiskSpec> copied = storage == Storage.Local ? writableDisks(vm) : List.of();
      LiveMigrationCall.Options options =
          options(spec, vm.getSpec().migration, poolDefaults, !copied.isEmpty());
      LibvirtHost target = hosts.host(targetUri);
      jobs.start(
          uid(m),
          clock.instant(),
          deadlines,
          job -> {
            for (DiskSpec disk : copied) {
              job.step("creating disk " + disk.path + " on the target", 0);
              target.createEmptyDisk(
                  disk.path, source.diskCapacity(uuid, disk.path), disk.format.name());
            }
            LiveMigrationCall.migrate(sourceUri, targetUri, uuid, options);
          });
    }
    MigrationStatus s = m.getStatus();
    s.phase = Phase.Running;
    s.message = "moving from " + s.sourceHost + " to " + s.targetHost + " (" + spec.mode + ")";
    s.progress = new MigrationStatus.Progress();
    s.progress.percent = 0;
  }

  /** Looks at the running move of {@code m}; {@code vmUuid} names its domain. */
  Look look(Migration m, String vmUuid, String sourceUri, String targetUri) {
    Optional<MigrationJob> found = jobs.get(uid(m));
    if (found.isEmpty()) {
      recoverAfterRestart(m, vmUuid, hosts.host(sourceUri), hosts.host(targetUri));
      return Look.ENDED;
    }
    MigrationJob job = found.get();
    LibvirtHost source = hosts.host(sourceUri);
    Instant now = clock.instant();
    if (job.done()) {
      finish(m, job, vmUuid, source, hosts.host(targetUri));
      return Look.ENDED;
    }
    boolean news = applyControls(m, job, vmUuid, source, now);
    readProgress(m, job, vmUuid, source, now);
    return job.statusWriteDue(now, progressInterval) || news ? Look.PROGRESSED : Look.UNCHANGED;
  }

  /** Cancel, the post-copy switch and the two timeouts; true when something was done. */
  private boolean applyControls(
      Migration m, MigrationJob job, String uuid, LibvirtHost source, Instant now) {
    MigrationSpec spec = m.getSpec();
    MigrationStatus s = m.getStatus();
    if (Boolean.TRUE.equals(spec.cancel)) {
      return abort(m, job, uuid, source, "Cancelled", "cancelled on request");
    }
    boolean postCopy = spec.mode == MigrationMode.PostCopy;
    if (postCopy && Boolean.TRUE.equals(spec.switchToPostCopy) && !job.postCopyStarted()) {
      return switchToPostCopy(m, job, uuid, source, "on request");
    }
    Duration elapsed = Duration.between(job.startedAt(), now);
    Deadlines d = job.deadlines();
    String late = null;
    String reason = null;
    if (elapsed.compareTo(d.completion()) > 0) {
      reason = "CompletionTimeout";
      late = "not complete after " + d.completion().toSeconds() + "s";
    } else if (job.sinceProgress(now).compareTo(d.progress()) > 0) {
      reason = "ProgressTimeout";
      late = "no progress for " + d.progress().toSeconds() + "s";
    }
    if (late == null || job.postCopyStarted()) {
      return false;
    }
    if (postCopy) {
      return switchToPostCopy(m, job, uuid, source, late);
    }
    return abort(m, job, uuid, source, reason, late + "; aborted, the VM stays on " + s.sourceHost);
  }

  private boolean switchToPostCopy(
      Migration m, MigrationJob job, String uuid, LibvirtHost source, String why) {
    try {
      source.startPostCopy(uuid);
      job.postCopyStarted(true);
      m.getStatus().postCopyStarted = true;
      m.getStatus().message = "switched to post-copy (" + why + ")";
      recorder.normal(m, "PostCopyStarted", m.getStatus().message);
    } catch (LibvirtOperationException | HostUnreachableException e) {
      m.getStatus().message = "could not switch to post-copy yet: " + e.getMessage();
    }
    return true;
  }

  private boolean abort(
      Migration m, MigrationJob job, String uuid, LibvirtHost source, String reason, String why) {
    if (job.postCopyStarted()) {
      m.getStatus().message = "cannot stop: post-copy has started; the move will complete";
      return true;
    }
    if (job.abortReason() != null) {
      return false;
    }
    if (m.getSpec().mode != MigrationMode.Cold) {
      try {
        source.abortJob(uuid);
      } catch (LibvirtOperationException | HostUnreachableException e) {
        // e.g. libvirt's job has not begun yet: try again at the next look
        m.getStatus().message = "aborting (" + why + "); libvirt said: " + e.getMessage();
        return true;
      }
    }
    job.markAborted(reason, why);
    m.getStatus().message = "aborting: " + why;
    return true;
  }

  private void readProgress(
      Migration m, MigrationJob job, String uuid, LibvirtHost source, Instant now) {
    MigrationStatus.Progress p = new MigrationStatus.Progress();
    p.elapsedMillis = Duration.between(job.startedAt(), now).toMillis();
    p.observedAt = now.toString();
    if (m.getSpec().mode == MigrationMode.Cold) {
      p.percent = job.stepPercent();
      m.getStatus().message = job.step();
    } else {
      try {
        JobStats stats = source.jobStats(uuid, false);
        if (!stats.active()) {
          return; // between libvirt's phases, or just finished: keep the last figures
        }
        job.observe(stats, now);
        p.percent = Math.max(0, stats.percent());
        p.bytesProcessed = nonNegative(stats.dataProcessed());
        p.bytesRemaining = nonNegative(stats.dataRemaining());
        p.dirtyRateBytesPerSecond = nonNegative(stats.dirtyRateBytesPerSecond());
      } catch (LibvirtOperationException | HostUnreachableException e) {
        return; // the job may have ended this instant; the next look tells
      }
    }
    m.getStatus().progress = p;
  }

  private void finish(
      Migration m, MigrationJob job, String uuid, LibvirtHost source, LibvirtHost target) {
    MigrationStatus s = m.getStatus();
    Throwable failure = job.failure();
    Instant now = clock.instant();
    s.completionTime = now.toString();
    s.durationMillis = Duration.between(job.startedAt(), now).toMillis();
    jobs.forget(uid(m));
    if (failure == null) {
      succeeded(m, job, uuid, target);
      return;
    }
    String where = whereIsTheVm(uuid, source, target, s);
    if ("Cancelled".equals(job.abortReason())) {
      recorder.cancelled(m, "cancelled; " + where);
      return;
    }
    String reason = job.abortReason() == null ? "MigrationFailed" : job.abortReason();
    String why = job.abortReason() == null ? failure.getMessage() : job.abortMessage();
    recorder.failed(m, reason, why + "; " + where);
  }

  private void succeeded(Migration m, MigrationJob job, String uuid, LibvirtHost target) {
    MigrationStatus s = m.getStatus();
    if (m.getSpec().mode == MigrationMode.Cold) {
      s.downtimeMillis = job.downtimeMillis();
    } else {
      try {
        JobStats done = JobStats.settled(target.jobStats(uuid, true), job.lastStats());
        s.downtimeMillis = done.downtimeMillis() < 0 ? null : done.downtimeMillis();
        s.bytesTransferred = done.dataProcessed() < 0 ? null : done.dataProcessed();
        if (done.elapsedMillis() > 0) {
          s.durationMillis = done.elapsedMillis();
        }
      } catch (LibvirtOperationException | HostUnreachableException e) {
        recorder.normal(m, "StatisticsUnavailable", "libvirt's job statistics: " + e.getMessage());
      }
    }
    MigrationStatus.Progress p = s.progress == null ? new MigrationStatus.Progress() : s.progress;
    p.percent = 100;
    p.bytesRemaining = 0L;
    s.progress = p;
    recorder.succeeded(m);
  }

  private static String whereIsTheVm(
      String uuid, LibvirtHost source, LibvirtHost target, MigrationStatus s) {
    try {
      if (source.domain(uuid).map(d -> d.power().isRunning()).orElse(false)) {
        return "the VM keeps running on " + s.sourceHost;
      }
      if (target.domain(uuid).isPresent()) {
        return "the VM's domain is on the target " + s.targetHost;
      }
      return "the VM's domain is on the source " + s.sourceHost + " but not running";
    } catch (LibvirtOperationException | HostUnreachableException e) {
      return "where the VM is now could not be checked: " + e.getMessage();
    }
  }

  /** The operator restarted while the move ran: tell from the hosts how it ended. */
  private void recoverAfterRestart(
      Migration m, String uuid, LibvirtHost source, LibvirtHost target) {
    MigrationStatus s = m.getStatus();
    s.completionTime = clock.instant().toString();
    boolean onSource = source.domain(uuid).isPresent();
    boolean onTarget = target.domain(uuid).isPresent();
    if (onTarget && !onSource) {
      recorder.succeeded(m);
      s.message = "completed while the operator was restarting; downtime and size unknown";
      return;
    }
    if (onSource) {
      try {
        source.abortJob(uuid);
      } catch (LibvirtOperationException e) {
        // no job left to abort
      }
    }
    recorder.failed(
        m,
        "OperatorRestarted",
        "the operator restarted during the move; " + whereIsTheVm(uuid, source, target, s));
  }

  private Deadlines deadlines(MigrationSpec spec, VirtualMachine vm) {
    Duration completion;
    if (spec.completionTimeoutSeconds != null) {
      completion = Duration.ofSeconds(spec.completionTimeoutSeconds);
    } else {
      double gib = Math.max(1, VmResources.of(vm.getSpec()).memoryMiB() / GIB_IN_MIB);
      completion = Duration.ofMillis((long) (timeoutPerGiB.toMillis() * gib));
    }
    Duration progress =
        spec.progressTimeoutSeconds == null
            ? progressTimeout
            : Duration.ofSeconds(spec.progressTimeoutSeconds);
    return new Deadlines(completion, progress);
  }

  static List<DiskSpec> writableDisks(VirtualMachine vm) {
    return vm.getSpec().disks.stream().filter(d -> !d.readOnly).toList();
  }

  /** Max downtime and bandwidth: the Migration's, else the VM's preferences, else the pool's. */
  static LiveMigrationCall.Options options(
      MigrationSpec spec,
      MigrationTuning preferences,
      MigrationTuning poolDefaults,
      boolean copyStorage) {
    List<MigrationTuning> fallbacks =
        Stream.of(preferences, poolDefaults).filter(Objects::nonNull).toList();
    Long bandwidth = spec.bandwidthMiBps;
    Long downtime = spec.maxDowntimeMillis;
    for (MigrationTuning t : fallbacks) {
      bandwidth = bandwidth == null ? t.bandwidthMiBps : bandwidth;
      downtime = downtime == null ? t.maxDowntimeMillis : downtime;
    }
    return new LiveMigrationCall.Options(
        spec.mode == MigrationMode.PostCopy,
        bandwidth,
        downtime,
        Boolean.TRUE.equals(spec.autoConverge),
        Boolean.TRUE.equals(spec.compression),
        copyStorage);
  }

  private static Long nonNegative(long v) {
    return v < 0 ? null : v;
  }

  private static String uid(Migration m) {
    return m.getMetadata().getUid();
  }
}
