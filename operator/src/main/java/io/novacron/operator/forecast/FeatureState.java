package io.novacron.operator.forecast;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The model's input for one series (one resource of one VM), kept up to date sample by sample in
 * constant memory: exponentially weighted means over about 1 minute, 10 minutes and 1 hour, an
 * exponentially weighted spread over 10 minutes, the last value and its last change, the time of
 * day, how the series' typical day ({@link DailyProfile}) moves over the forecast horizon, and
 * where the horizon falls in its typical minute ({@link MinuteProfile}). Nothing is recomputed from
 * history. Values are percentages; features are fractions (percent / 100) so every series shares
 * one scale. A feature row also carries, after the model's inputs, the levels only the online
 * baselines read ({@link OnlineBaselines}).
 */
public final class FeatureState {
  /** The model's inputs: the first columns of a row. */
  public static final int FEATURES = 12;

  /**
   * A whole row: the model's inputs, then the mean of the last 5 minutes of samples, that of the
   * last 15 minutes, and the typical value at the horizon's time of day (the last value while the
   * daily profile knows none).
   */
  public static final int ROW = FEATURES + 3;

  /** Index of the time of day's sine; its cosine follows. */
  public static final int TIME_OF_DAY = 8;

  private static final double MINUTE = 60;

  /**
   * The moving averages count samples as if at most one came per second: below a 1-second interval
   * they cover the last 300 and 900 samples, so a series never keeps more than 900.
   */
  private static final double FINEST_STEP = 1;

  private static final double DAY = 86_400;

  private final double alphaMinute;
  private final double alphaTenMinutes;
  private final double alphaHour;
  private final long horizonSeconds;
  private final DailyProfile profile = new DailyProfile();
  private final MinuteProfile minute = new MinuteProfile();

  /** The last 15 minutes of values, oldest overwritten first; the last 5 are the newest of them. */
  private final float[] recent;

  private final int fiveMinutes;
  private int recentNext;
  private int recentCount;
  private double sumFiveMinutes;
  private double sumFifteenMinutes;
  private boolean started;
  private double last;
  private double previous;
  private double meanMinute;
  private double meanTenMinutes;
  private double meanHour;
  private double varianceTenMinutes;
  private Instant at;

  /**
   * {@code stepSeconds}: the interval between samples, which sets each average's weight; {@code
   * horizonSeconds}: how far ahead the model forecasts.
   */
  public FeatureState(double stepSeconds, long horizonSeconds) {
    this.horizonSeconds = horizonSeconds;
    alphaMinute = alpha(stepSeconds, MINUTE);
    alphaTenMinutes = alpha(stepSeconds, 10 * MINUTE);
    alphaHour = alpha(stepSeconds, 60 * MINUTE);
    fiveMinutes = samplesIn(5 * MINUTE, stepSeconds);
    recent = new float[samplesIn(15 * MINUTE, stepSeconds)];
  }

  private static int samplesIn(double seconds, double step) {
    return (int) Math.max(1, Math.round(seconds / Math.max(step, FINEST_STEP)));
  }

  private static double alpha(double step, double timeConstant) {
    return 1 - Math.exp(-step / timeConstant);
  }

  /** Adds a sample; a missing value (NaN) leaves every feature as it was. */
  public void add(Instant time, double percent) {
    if (Double.isNaN(percent)) {
      return;
    }
    double x = percent / 100;
    at = time;
    profile.add(time, x);
    minute.add(time, x);
    remember((float) x);
    if (!started) {
      started = true;
      last = previous = meanMinute = meanTenMinutes = meanHour = x;
      return;
    }
    previous = last;
    last = x;
    meanMinute += alphaMinute * (x - meanMinute);
    double delta = x - meanTenMinutes;
    meanTenMinutes += alphaTenMinutes * delta;
    varianceTenMinutes =
        (1 - alphaTenMinutes) * (varianceTenMinutes + alphaTenMinutes * delta * delta);
    meanHour += alphaHour * (x - meanHour);
  }

  private void remember(float x) {
    if (recentCount >= fiveMinutes) {
      sumFiveMinutes -= recent[Math.floorMod(recentNext - fiveMinutes, recent.length)];
    }
    if (recentCount >= recent.length) {
      sumFifteenMinutes -= recent[recentNext];
    }
    recent[recentNext] = x;
    sumFiveMinutes += x;
    sumFifteenMinutes += x;
    recentNext = (recentNext + 1) % recent.length;
    recentCount = Math.min(recentCount + 1, recent.length);
  }

  /** The length of {@link #saveProfile}'s output. */
  public static final int SAVED_PROFILE_BYTES = DailyProfile.SAVED_BYTES;

  /**
   * Writes the daily profile, the one part of this state that takes days to learn again; the
   * averages settle within an hour of samples.
   */
  public void saveProfile(ByteBuffer into) {
    profile.save(into);
  }

  /** Restores a daily profile {@link #saveProfile} wrote; an invalid one changes nothing. */
  public void restoreProfile(ByteBuffer from) {
    profile.restore(from);
  }

  /** Whether any value has been seen. */
  public boolean ready() {
    return started;
  }

  /** The last value seen, in percent. */
  public double lastPercent() {
    return last * 100;
  }

  /**
   * Zeroes a row's time of day, for series whose clock says nothing of it (less than a day of
   * history, or traces whose times count from their own start).
   */
  public static void forgetTimeOfDay(float[] row) {
    row[TIME_OF_DAY] = 0;
    row[TIME_OF_DAY + 1] = 0;
  }

  /** Writes a whole row ({@link #ROW} values) into {@code into} at {@code offset}. */
  public void features(float[] into, int offset) {
    double dayAngle = 2 * Math.PI * (Math.floorMod(at.getEpochSecond(), (long) DAY) / DAY);
    into[offset] = (float) last;
    into[offset + 1] = (float) (last - previous);
    into[offset + 2] = (float) (last - meanMinute);
    into[offset + 3] = (float) (last - meanTenMinutes);
    into[offset + 4] = (float) (last - meanHour);
    into[offset + 5] = (float) (meanMinute - meanTenMinutes);
    into[offset + 6] = (float) (meanTenMinutes - meanHour);
    into[offset + 7] = (float) Math.sqrt(varianceTenMinutes);
    into[offset + TIME_OF_DAY] = (float) Math.sin(dayAngle);
    into[offset + TIME_OF_DAY + 1] = (float) Math.cos(dayAngle);
    into[offset + TIME_OF_DAY + 2] = (float) profile.change(at, horizonSeconds);
    into[offset + TIME_OF_DAY + 3] = (float) minute.offset(at, horizonSeconds);
    into[offset + FEATURES] = (float) (sumFiveMinutes / Math.min(recentCount, fiveMinutes));
    into[offset + FEATURES + 1] = (float) (sumFifteenMinutes / recentCount);
    double typical = profile.level(at, horizonSeconds);
    into[offset + FEATURES + 2] = (float) (Double.isNaN(typical) ? last : typical);
  }
}
