package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
}
