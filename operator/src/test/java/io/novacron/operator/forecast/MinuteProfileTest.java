package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MinuteProfileTest {
  private static final Instant START = Instant.parse("2026-11-22T12:00:00Z");
  private static final double TIME_CONSTANT = 3_600;

  /** 50 % all minute, 80 % in the sample taken at the top of each minute. */
  private static double cronLike(long second) {
    return second % 60 == 0 ? 80 : 50;
  }

  @Test
  void aSpikeAtTheTopOfEveryMinuteShowsWhenTheHorizonLandsOnIt() {
    MinuteProfile p = new MinuteProfile();
    for (long s = 0; s <= 7_200; s += 10) {
      p.add(START.plusSeconds(s), cronLike(s));
    }
    Instant topOfMinute = START.plusSeconds(7_200);
    // slot means 80, 50, 50, 50, 50, 50: their mean is 55
    assertThat(p.offset(topOfMinute, 300)).isCloseTo(25, within(1e-6));
    assertThat(p.offset(topOfMinute, 310)).isCloseTo(-5, within(1e-6));
    assertThat(p.offset(topOfMinute.minusSeconds(10), 310))
        .as("a horizon of 5 min 10 s from ten seconds before the top of a minute")
        .isCloseTo(25, within(1e-6));
  }

  @Test
  void eachSlotIsAnHourLongWeightedMeanOfItsOwnSamples() {
    Random random = new Random(3);
    MinuteProfile p = new MinuteProfile();
    List<Long> seconds = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    long s = 0;
    for (int i = 0; i < 1_500; i++) {
      s += 5 + random.nextInt(20); // irregular sampling
      double v = 100 * random.nextDouble();
      p.add(START.plusSeconds(s), v);
      seconds.add(s);
      values.add(v);
    }
    double[] direct = new double[6];
    for (int slot = 0; slot < 6; slot++) {
      direct[slot] = directMean(seconds, values, slot);
    }
    double mean = (direct[0] + direct[1] + direct[2] + direct[3] + direct[4] + direct[5]) / 6;
    Instant now = START.plusSeconds(s);
    for (int ahead = 0; ahead < 60; ahead += 10) {
      int slot = (int) ((s + ahead) % 60 / 10);
      assertThat(p.offset(now, ahead)).isCloseTo(direct[slot] - mean, within(1e-9));
    }
  }

  /**
   * The slot's exponentially weighted mean written out from the raw samples: each sample weighs (1
   * − e^(−Δ/τ)) · e^(−age/τ), Δ the time since the slot's sample before it, its age counted to the
   * slot's last sample; the first sample takes the weight left.
   */
  private static double directMean(List<Long> seconds, List<Double> values, int slot) {
    List<Integer> mine = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      if (seconds.get(i) % 60 / 10 == slot) {
        mine.add(i);
      }
    }
    long newest = seconds.get(mine.get(mine.size() - 1));
    double mean = 0;
    for (int k = 0; k < mine.size(); k++) {
      long t = seconds.get(mine.get(k));
      double weight =
          k == 0 ? 1 : 1 - Math.exp(-(t - seconds.get(mine.get(k - 1))) / TIME_CONSTANT);
      mean += weight * Math.exp(-(newest - t) / TIME_CONSTANT) * values.get(mine.get(k));
    }
    return mean;
  }

  @Test
  void aSeriesSampledOnceAMinuteFillsOneSlotAndLearnsNothing() {
    MinuteProfile p = new MinuteProfile();
    for (long s = 0; s <= 7_200; s += 60) {
      p.add(START.plusSeconds(s), 10 + s % 7);
    }
    assertThat(p.offset(START.plusSeconds(7_200), 300)).isZero();
  }

  @Test
  void slotsNotSampledWithinTheHourAreForgotten() {
    MinuteProfile p = new MinuteProfile();
    for (long s = 0; s < 3_600; s += 10) {
      p.add(START.plusSeconds(s), cronLike(s));
    }
    // then every 30 s, at 15 and 45 seconds past the minute only, for 11 hours
    long last = 0;
    for (long s = 3_615; s <= 12 * 3_600; s += 30) {
      p.add(START.plusSeconds(s), s % 60 == 15 ? 40 : 20);
      last = s;
    }
    Instant now = START.plusSeconds(last);
    assertThat(p.offset(now, 30)).as("the slot of :15, against :45").isCloseTo(10, within(1e-3));
    assertThat(p.offset(now, 0)).isCloseTo(-10, within(1e-3));
    assertThat(p.offset(now, 15)).as("the top of the minute, not sampled for hours").isZero();
  }

  @Test
  void aClockSteppedBackRestartsTheSlotsItMeets() {
    MinuteProfile p = new MinuteProfile();
    for (long s = 0; s <= 7_200; s += 10) {
      p.add(START.plusSeconds(s), cronLike(s));
    }
    // the clock goes back half an hour: 60 % everywhere from there
    Instant stepped = START.plusSeconds(7_200 - 1_800);
    for (long s = 0; s < 60; s += 10) {
      p.add(stepped.plusSeconds(s), 60);
    }
    assertThat(p.offset(stepped.plusSeconds(50), 10))
        .as("every slot restarted at 60 %, none extrapolated backwards")
        .isCloseTo(0, within(1e-9));
  }
}
