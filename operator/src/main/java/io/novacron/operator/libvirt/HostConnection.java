package io.novacron.operator.libvirt;

import io.novacron.operator.DaemonThreads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one libvirt connection to one host. Calls run on the host's own thread and are bounded by a
 * timeout, so a dead or hung host never blocks a reconcile thread; the connection is opened lazily,
 * reused, and reopened with exponential backoff after it breaks.
 */
public final class HostConnection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostConnection.class);

  private final String uri;
  private final Duration callTimeout;
  private final Clock clock;
  private final Backoff backoff;
  private ExecutorService executor;
  private Connect connection;
  private Instant nextAttempt = Instant.MIN;
  private String lastError;
  private Instant lastSeen;

  HostConnection(String uri, Duration callTimeout, Duration backoffMax, Clock clock) {
    this.uri = uri;
    this.callTimeout = callTimeout;
    this.clock = clock;
    this.backoff = new Backoff(backoffMax);
    this.executor = newExecutor();
  }

  public String uri() {
    return uri;
  }

  /** When the host last answered a call, or null if it never did. */
  public synchronized Instant lastSeen() {
    return lastSeen;
  }

  /**
   * Runs {@code call} on this host.
   *
   * @throws HostUnreachableException when the host cannot be reached or does not answer in time
   * @throws LibvirtOperationException when libvirt answers with an error
   */
  public <T> T call(String what, LibvirtCall<T> call) {
    ExecutorService exec;
    synchronized (this) {
      exec = executor;
    }
    Future<T> future;
    try {
      future = exec.submit(() -> callOnHostThread(call));
    } catch (RejectedExecutionException e) {
      // another call timed out just now and replaced this host's thread
      throw new HostUnreachableException("connection to " + uri + " was reset; retry", e);
    }
    try {
      T result = future.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
      synchronized (this) {
        lastSeen = clock.instant();
      }
      return result;
    } catch (TimeoutException e) {
      future.cancel(true);
      abandonHungConnection();
      throw new HostUnreachableException(
          "host did not answer " + what + " within " + callTimeout.toSeconds() + "s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HostUnreachableException("interrupted while waiting for " + what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HostUnreachableException || cause instanceof LibvirtOperationException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof LibvirtException le) {
        throw new LibvirtOperationException(what + " failed: " + le.getMessage(), le);
      }
      throw new LibvirtOperationException(what + " failed: " + cause, cause);
    }
  }

  private <T> T callOnHostThread(LibvirtCall<T> call) throws LibvirtException {
    Connect conn = connectIfNeeded();
    try {
      return call.apply(conn);
    } catch (LibvirtException e) {
      if (!isAlive(conn)) {
        dropConnection(conn, e.getMessage());
        throw new HostUnreachableException("connection lost: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  private Connect connectIfNeeded() {
    synchronized (this) {
      if (connection != null) {
        return connection;
      }
      Instant now = clock.instant();
      if (now.isBefore(nextAttempt)) {
        long wait = Math.max(1, Duration.between(now, nextAttempt).toSeconds());
        throw new HostUnreachableException(
            "cannot connect to " + uri + ": " + lastError + " (next attempt in " + wait + "s)",
            null);
      }
    }
    LibvirtErrorLog.install();
    try {
      Connect conn = new Connect(uri, false);
      synchronized (this) {
        connection = conn;
        backoff.reset();
        lastError = null;
      }
      log.info("Connected to libvirt host {}", uri);
      return conn;
    } catch (LibvirtException | RuntimeException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      synchronized (this) {
        lastError = message;
        nextAttempt = clock.instant().plus(backoff.next());
      }
      throw new HostUnreachableException("cannot connect to " + uri + ": " + message, e);
    }
  }

  private static boolean isAlive(Connect conn) {
    try {
      return conn.isAlive();
    } catch (LibvirtException e) {
      return false;
    }
  }

  private void dropConnection(Connect conn, String reason) {
    synchronized (this) {
      if (connection != conn) {
        return;
      }
      connection = null;
      lastError = reason;
      nextAttempt = clock.instant().plus(backoff.next());
    }
    log.warn("Lost libvirt host {}: {}", uri, reason);
    closeQuietly(conn);
  }

  /**
   * A call hung: its thread may never return, so the host gets a fresh thread and the old
   * connection is closed in the background (closing may hang too).
   */
  private void abandonHungConnection() {
    Connect hung;
    ExecutorService old;
    synchronized (this) {
      hung = connection;
      connection = null;
      lastError = "did not answer within " + callTimeout.toSeconds() + "s";
      nextAttempt = clock.instant().plus(backoff.next());
      old = executor;
      executor = newExecutor();
    }
    old.shutdownNow();
    log.warn("libvirt host {} timed out; connection abandoned", uri);
    if (hung != null) {
      DaemonThreads.named("libvirt-close").newThread(() -> closeQuietly(hung)).start();
    }
  }

  /**
   * Closes the connection; false when it stays open (a handle to it still in use or never freed,
   * libvirt then closes it when the last one goes) or closing failed.
   */
  private boolean closeQuietly(Connect conn) {
    try {
      if (conn.close() == 0) {
        return true;
      }
      log.warn(
          "libvirt connection to {} stays open after close: handles still refer to it (a call"
              + " still running, or handles never freed)",
          uri);
    } catch (LibvirtException | RuntimeException e) {
      log.debug("Closing libvirt connection failed", e);
    }
    return false;
  }

  private ExecutorService newExecutor() {
    return Executors.newSingleThreadExecutor(DaemonThreads.named("libvirt-" + hostLabel()));
  }

  private String hostLabel() {
    int socket = uri.indexOf("socket=");
    return socket >= 0 ? uri.substring(socket + 7) : uri;
  }

  @Override
  public void close() {
    closeReleasing();
  }

  /** Closes; true when the connection is really gone (see {@link #closeQuietly}). */
  boolean closeReleasing() {
    Connect conn;
    synchronized (this) {
      conn = connection;
      connection = null;
      executor.shutdownNow();
    }
    return conn == null || closeQuietly(conn);
  }
}
