package io.novacron.operator.forecast;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.novacron.operator.DaemonThreads;
import io.novacron.operator.store.ConnectionSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the forecasting loop on its own thread, never on a reconcile thread: at start the newest
 * stored models are served and the VMs' saved daily profiles given back (a restart keeps both),
 * models are retrained from the metric history in the background and stored with their validation
 * figures, every interval all VMs are forecast in one batch and published to their status, and
 * every hour (and on close) the daily profiles are saved.
 */
public final class ForecastService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ForecastService.class);

  /** At most this much of the profiles' learning is lost to a crash (none to a clean stop). */
  static final Duration SAVE_PROFILES_EVERY = Duration.ofHours(1);

  private final ConnectionSource database;
  private final Forecaster forecaster;
  private final ModelTrainer trainer;
  private final ForecastPublisher publisher;
  private final Duration horizon;
  private final Duration interval;
  private final Duration retrainEvery;
  private final Clock clock;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("forecaster"));
  // set on the executor thread only; until then nothing is saved, so the profiles saved before a
  // restart are never overwritten by the empty ones of a start that could not read them yet
  private volatile boolean storedStateLoaded;
  private final Timer cycleTimer;

  public ForecastService(
      ConnectionSource database,
      Forecaster forecaster,
      ModelTrainer trainer,
      ForecastPublisher publisher,
      Duration horizon,
      Duration interval,
      Duration retrainEvery,
      Clock clock,
      MeterRegistry meters) {
    this.database = database;
    this.forecaster = forecaster;
    this.trainer = trainer;
    this.publisher = publisher;
    this.horizon = horizon;
    this.interval = interval;
    this.retrainEvery = retrainEvery;
    this.clock = clock;
    this.cycleTimer =
        Timer.builder("novacron.forecast.cycle")
            .description("Time to forecast every VM and publish the forecasts")
            .register(meters);
    for (Resource r : Resource.values()) {
      Gauge.builder("novacron.forecast.error", forecaster, f -> f.expectedError(r))
          .description(
              "Validation MAE of the serving predictor, in percentage points (NaN until trained)")
          .tag("resource", r.name().toLowerCase(java.util.Locale.ROOT))
          .register(meters);
    }
  }

  public ForecastService start() {
    executor.scheduleWithFixedDelay(
        this::forecastCycle, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    executor.scheduleWithFixedDelay(
        this::retrain, retrainEvery.toMillis(), retrainEvery.toMillis(), TimeUnit.MILLISECONDS);
    long saveMillis = SAVE_PROFILES_EVERY.toMillis();
    executor.scheduleWithFixedDelay(
        this::saveProfiles, saveMillis, saveMillis, TimeUnit.MILLISECONDS);
    return this;
  }

  private void forecastCycle() {
    try {
      if (!storedStateLoaded) {
        loadStoredState();
      }
      cycleTimer.record(() -> publisher.publish(forecaster.forecastAll()));
    } catch (RuntimeException e) {
      log.warn("Forecast cycle failed, will retry: {}", e.getMessage());
    }
  }

  /**
   * Until the database answers, the last value serves; the stored models and saved profiles are
   * tried each cycle.
   */
  private void loadStoredState() {
    try (Connection c = database.connect()) {
      Map<String, byte[]> profiles = SavedProfiles.load(c, clock.instant());
      forecaster.restoreProfiles(profiles);
      log.info("Daily profiles of {} VMs restored", profiles.size());
      boolean stale = false;
      for (Resource r : Resource.values()) {
        var stored = ForecastModels.newest(c, r, horizon);
        stale |=
            stored
                .map(
                    m ->
                        !serveStored(m)
                            || m.trainedAt().plus(retrainEvery).isBefore(clock.instant()))
                .orElse(true);
      }
      storedStateLoaded = true;
      if (stale) {
        executor.execute(this::retrain); // no usable model yet, or one older than the interval
      }
    } catch (SQLException e) {
      log.debug("Stored forecast models not readable yet: {}", e.getMessage());
    }
  }

  /**
   * Serves a stored model; one that does not load is skipped (false), and the baseline serves until
   * a training run at start replaces it.
   */
  private boolean serveStored(TrainedModel stored) {
    try {
      forecaster.serve(stored);
      return true;
    } catch (IllegalArgumentException e) {
      log.warn(
          "Stored forecast model v{} for {} is unusable, skipped and retrained: {}",
          stored.version(),
          stored.resource(),
          e.getMessage());
      return false;
    }
  }

  private void retrain() {
    try (Connection c = database.connect()) {
      List<TrainedModel> models = trainer.train(c, clock.instant());
      if (models.isEmpty()) {
        log.info("Not enough metric history to train a forecast model yet");
      }
      for (TrainedModel m : models) {
        TrainedModel stored = ForecastModels.save(c, m);
        forecaster.serve(stored);
        log.info(
            "Forecast model v{} for {}: MAE {} points on {} validation rows, best baseline {} {}"
                + " points; serving {}",
            stored.version(),
            stored.resource(),
            String.format("%.2f", stored.model().meanAbsoluteError()),
            stored.validationRows(),
            stored.baseline(),
            String.format("%.2f", stored.baselineScore().meanAbsoluteError()),
            stored.modelServes() ? "the model" : stored.baseline());
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("Training the forecast model failed, will retry: {}", e.getMessage());
    }
  }

  private void saveProfiles() {
    if (!storedStateLoaded) {
      return;
    }
    try (Connection c = database.connect()) {
      int saved = SavedProfiles.save(c, forecaster, clock.instant());
      log.debug("Daily profiles of {} VMs saved", saved);
    } catch (SQLException | RuntimeException e) {
      log.warn("Saving the daily profiles failed, will retry: {}", e.getMessage());
    }
  }

  /** Stops the loop, then saves the daily profiles once more. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    saveProfiles();
    forecaster.close();
  }
}
