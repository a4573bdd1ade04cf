package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DailyProfileTest {
  private static final Instant MIDNIGHT = Instant.parse("2026-11-20T00:00:00Z");
  private static final int STEP = 10;
  private static final int PER_DAY = 86_400 / STEP;
  private static final int PER_SLOT = DailyProfile.SLOT_SECONDS / STEP;

  /**
   * The profile's change from one slot to another equals the same quantity computed directly from
   * the raw series: the mean over the earlier days of each day's mean in the later slot, minus the
   * same for the earlier slot. Today's values, even of slots already over, do not count for a slot
   * still to come, and today's open slot does not count at all.
   */
  @Test
  void changeEqualsTheEarlierDaysSlotMeansComputedFromTheRawSeries() {
    Random random = new Random(11);
    int days = 3;
    int todaySamples = 10 * 60 * 60 / STEP + 7; // into 10:00, mid-slot
    double[] series = new double[days * PER_DAY + todaySamples];
    DailyProfile profile = new DailyProfile();
    for (int t = 0; t < series.length; t++) {
      series[t] = 40 + 20 * Math.sin(2 * Math.PI * t / PER_DAY) + random.nextGaussian() * 5;
      profile.add(MIDNIGHT.plusSeconds((long) t * STEP), series[t]);
    }
    Instant now = MIDNIGHT.plusSeconds((long) (series.length - 1) * STEP);
    int nowSlot = (series.length - 1) % PER_DAY / PER_SLOT;
    for (int aheadMinutes : new int[] {5, 30, 60}) {
      int laterSlot = nowSlot + aheadMinutes / 5;
      double expected =
          earlierDaysMean(series, laterSlot, days) - earlierDaysMean(series, nowSlot, days);
      assertThat(profile.change(now, aheadMinutes * 60L))
          .as("%d minutes ahead", aheadMinutes)
          .isCloseTo(expected, within(1e-4));
    }
    assertThat(profile.change(now, 60)).as("the same slot").isZero();
  }

  private static double earlierDaysMean(double[] series, int slot, int days) {
    double sum = 0;
    for (int d = 0; d < days; d++) {
      double slotSum = 0;
      for (int i = 0; i < PER_SLOT; i++) {
        slotSum += series[d * PER_DAY + slot * PER_SLOT + i];
      }
      sum += slotSum / PER_SLOT;
    }
    return sum / days;
  }

  @Test
  void nothingIsKnownOnTheFirstDayThenTheDayBeforeSpeaks() {
    DailyProfile profile = new DailyProfile();
    for (int t = 0; t < PER_DAY; t++) {
      Instant at = MIDNIGHT.plusSeconds((long) t * STEP);
      profile.add(at, t / PER_SLOT); // each slot's value is its number
      assertThat(profile.change(at, 300)).as("sample %d of the first day", t).isZero();
    }
    Instant nextDay = MIDNIGHT.plusSeconds(86_400);
    profile.add(nextDay, 0);
    assertThat(profile.change(nextDay, 300)).isCloseTo(1, within(1e-6));
    assertThat(profile.change(nextDay, 1800)).isCloseTo(6, within(1e-6));
  }

  /**
   * A profile saved and restored into a new one answers as the saved one at every slot; a save with
   * a slot claiming more days than a profile keeps, or a mean that is not a number, is refused and
   * changes nothing.
   */
  @Test
  void aRestoredProfileAnswersAsTheSavedOneAndABadSaveChangesNothing() {
    Random random = new Random(3);
    DailyProfile learned = new DailyProfile();
    for (int t = 0; t < 2 * PER_DAY + 100; t++) {
      learned.add(MIDNIGHT.plusSeconds((long) t * STEP), random.nextDouble());
    }
    ByteBuffer saved = ByteBuffer.allocate(DailyProfile.SAVED_BYTES);
    learned.save(saved);
    assertThat(saved.remaining()).isZero();
    DailyProfile restored = new DailyProfile();
    restored.restore(ByteBuffer.wrap(saved.array()));

    byte[] tooManyDays = saved.array().clone();
    tooManyDays[tooManyDays.length - 1] = 8;
    assertThatThrownBy(() -> restored.restore(ByteBuffer.wrap(tooManyDays)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slot 287");
    ByteBuffer notANumber = ByteBuffer.wrap(saved.array().clone());
    notANumber.putFloat(4 * Float.BYTES, Float.NaN);
    assertThatThrownBy(() -> restored.restore(notANumber.rewind()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slot 4");

    Instant tomorrow = MIDNIGHT.plusSeconds(3L * 86_400);
    for (int slot = 0; slot < PER_DAY / PER_SLOT; slot++) {
      long ahead = (long) slot * DailyProfile.SLOT_SECONDS;
      assertThat(learned.level(tomorrow, ahead)).as("slot %d", slot).isNotNaN();
      assertThat(restored.level(tomorrow, ahead))
          .as("slot %d", slot)
          .isEqualTo(learned.level(tomorrow, ahead));
    }
  }
}
