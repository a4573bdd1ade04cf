package io.novacron.operator.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The real model on DJL's PyTorch CPU engine (native library from the Maven artifact). */
class MlpForecasterTest {
  private static final int STEP = 10;
  private static final int HORIZON = 30; // 5 minutes of 10-second steps

  @BeforeAll
  static void engine() {
    DjlSetup.configure(Path.of("target/djl"));
  }

  /**
   * A series that returns towards 50 % after random shocks: the best forecast is the current value
   * pulled part of the way back, which the last value cannot know and the model can learn.
   */
  private static double[] meanReverting(long seed, int n) {
    Random random = new Random(seed);
    double[] v = new double[n];
    double x = 50;
    for (int t = 0; t < n; t++) {
      x += 0.05 * (50 - x) + random.nextGaussian() * 3;
      v[t] = Math.max(0, Math.min(100, x));
    }
    return v;
  }

  private static float[][] featuresOf(double[] v) {
    FeatureState state = new FeatureState(STEP, (long) HORIZON * STEP);
    float[][] out = new float[v.length][FeatureState.ROW];
    for (int t = 0; t < v.length; t++) {
      state.add(Instant.EPOCH.plusSeconds((long) t * STEP), v[t]);
      state.features(out[t], 0);
    }
    return out;
  }

  private static MlpForecaster.TrainingSet trainingSet(double[] v, float[][] f) {
    int n = v.length - HORIZON;
    float[][] x = new float[n][];
    float[] y = new float[n];
    for (int t = 0; t < n; t++) {
      x[t] = f[t];
      y[t] = (float) ((v[t + HORIZON] - v[t]) / 100);
    }
    return MlpForecaster.TrainingSet.of(x, y);
  }

  @Test
  void learnsWhatTheLastValueCannotKnowAndPredictsInOneCall() {
    double[] train = meanReverting(1, 20_000);
    double[] test = meanReverting(2, 5_000);
    float[][] testFeatures = featuresOf(test);
    try (MlpForecaster model =
        MlpForecaster.train(trainingSet(train, featuresOf(train)), MlpForecaster.Plan.standard())) {
      float[] changes = model.predict(testFeatures);
      assertThat(changes).hasSize(test.length);
      ForecastError modelError = new ForecastError();
      ForecastError lastValueError = new ForecastError();
      for (int t = 0; t + HORIZON < test.length; t++) {
        modelError.add(test[t] + 100 * changes[t], test[t + HORIZON]);
        lastValueError.add(test[t], test[t + HORIZON]);
      }
      assertThat(modelError.meanAbsoluteError())
          .isLessThan(0.9 * lastValueError.meanAbsoluteError());
    }
  }

  @Test
  void storedParametersGiveTheSameForecasts() {
    double[] train = meanReverting(3, 3_000);
    float[][] features = featuresOf(train);
    try (MlpForecaster model =
            MlpForecaster.train(trainingSet(train, features), MlpForecaster.Plan.standard());
        MlpForecaster loaded = MlpForecaster.load(model.parameters())) {
      assertThat(loaded.predict(features)).containsExactly(model.predict(features));
      assertThat(model.predict(new float[0][])).isEmpty();
    }
  }

  @Test
  void rowsBeyondOneForwardPassGetTheirOwnForecasts() {
    double[] train = meanReverting(5, 6_000);
    float[][] features = featuresOf(train);
    try (MlpForecaster model =
        MlpForecaster.train(
            trainingSet(train, features), new MlpForecaster.Plan(1, 256, 1e-3f, 7, 2))) {
      float[] all = model.predict(features);
      int slice = 1_000; // well within one pass
      for (int from = 0; from < features.length; from += slice) {
        float[] part =
            model.predict(
                Arrays.copyOfRange(features, from, Math.min(features.length, from + slice)));
        for (int i = 0; i < part.length; i++) {
          assertThat(all[from + i]).as("row %d", from + i).isCloseTo(part[i], within(1e-6f));
        }
      }
    }
  }

  /**
   * The last training batch and the last forward pass fill only the start of their native buffers;
   * DJL warns once per call when given more buffer than the array needs, which would be up to a
   * dozen log lines per forecast cycle in the operator (each resource's networks' last pass).
   */
  @Test
  void partlyFilledBatchesAndPassesLeaveDjlNothingToWarnAbout() {
    Logger djl = (Logger) LoggerFactory.getLogger("ai.djl");
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    djl.addAppender(events);
    try {
      double[] train = meanReverting(9, 1_000); // 970 rows: the last batch of 256 holds 202
      float[][] features = featuresOf(train);
      try (MlpForecaster model =
          MlpForecaster.train(
              trainingSet(train, features), new MlpForecaster.Plan(1, 256, 1e-3f, 7, 1))) {
        assertThat(model.predict(Arrays.copyOf(features, 10))).hasSize(10);
      }
      assertThat(events.list)
          .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .extracting(ILoggingEvent::getFormattedMessage)
          .isEmpty();
    } finally {
      djl.detachAppender(events);
    }
  }

  /** Each forward pass's rows go through one buffer the model reuses: callers must take turns. */
  @Test
  void forecastsCalledAtOnceFromTwoThreadsAreEachTheirOwn() throws Exception {
    double[] train = meanReverting(6, 4_000);
    float[][] first = featuresOf(train);
    float[][] second = featuresOf(meanReverting(7, 4_000));
    try (MlpForecaster model =
        MlpForecaster.train(
            trainingSet(train, first), new MlpForecaster.Plan(1, 256, 1e-3f, 7, 2))) {
      float[] firstAlone = model.predict(first);
      float[] secondAlone = model.predict(second);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 20; round++) {
          Future<float[]> a = threads.submit(() -> model.predict(first));
          Future<float[]> b = threads.submit(() -> model.predict(second));
          assertThat(a.get()).containsExactly(firstAlone);
          assertThat(b.get()).containsExactly(secondAlone);
        }
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @Test
  void anEnsembleForecastsTheMeanOfItsMembersEachTrainedFromItsOwnSeed() {
    double[] train = meanReverting(4, 3_000);
    float[][] features = featuresOf(train);
    MlpForecaster.TrainingSet rows = trainingSet(train, features);
    try (MlpForecaster first =
            MlpForecaster.train(rows, new MlpForecaster.Plan(1, 256, 1e-3f, 7, 1));
        MlpForecaster second =
            MlpForecaster.train(rows, new MlpForecaster.Plan(1, 256, 1e-3f, 8, 1));
        MlpForecaster both =
            MlpForecaster.train(rows, new MlpForecaster.Plan(1, 256, 1e-3f, 7, 2))) {
      float[] a = first.predict(features);
      float[] b = second.predict(features);
      float[] mean = both.predict(features);
      assertThat(a).isNotEqualTo(b);
      for (int i = 0; i < mean.length; i++) {
        assertThat(mean[i]).isCloseTo((a[i] + b[i]) / 2, within(1e-6f));
      }
    }
  }

  /** Arrays sized before the rows were known end in room never filled; none of it is learnt. */
  @Test
  void onlyTheRowsOfATrainingSetAreLearntNotTheRoomAfterThem() {
    double[] train = meanReverting(11, 2_000);
    MlpForecaster.TrainingSet exact = trainingSet(train, featuresOf(train));
    int n = exact.size();
    float[] features = Arrays.copyOf(exact.features(), (n + 500) * FeatureState.FEATURES);
    float[] changes = Arrays.copyOf(exact.changes(), n + 500);
    Arrays.fill(features, n * FeatureState.FEATURES, features.length, 1e6f);
    Arrays.fill(changes, n, changes.length, 1e6f);
    MlpForecaster.Plan plan = new MlpForecaster.Plan(1, 256, 1e-3f, 7, 1);
    try (MlpForecaster fromExact = MlpForecaster.train(exact, plan);
        MlpForecaster fromRoomy =
            MlpForecaster.train(new MlpForecaster.TrainingSet(features, changes, n), plan)) {
      assertThat(fromRoomy.parameters()).isEqualTo(fromExact.parameters());
    }
  }

  @Test
  void aTrainingSetWhoseInputsDoNotFillItsRowsIsRefused() {
    int width = FeatureState.FEATURES;
    assertThatThrownBy(() -> new MlpForecaster.TrainingSet(new float[2 * width + 1], new float[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("for each of 2 rows");
    assertThat(new MlpForecaster.TrainingSet(new float[2 * width], new float[2]).size())
        .isEqualTo(2);
    assertThat(new MlpForecaster.TrainingSet(new float[3 * width], new float[3], 2).size())
        .isEqualTo(2);
    assertThatThrownBy(() -> new MlpForecaster.TrainingSet(new float[2 * width], new float[3], 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not hold 3 rows");
  }

  @Test
  void bytesThatAreNotAModelAreRefused() {
    assertThatThrownBy(() -> MlpForecaster.load(new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a forecast model");
  }

  /**
   * Stored before the daily profile was a feature, a model's bytes began with the scaling of ten
   * features and no count; before the typical minute, with a count of eleven.
   */
  @Test
  void modelsOfOtherFeaturesAreRefusedRatherThanMisread() throws IOException {
    assertThatThrownBy(() -> MlpForecaster.load(olderModel(10, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trained on other features");
    assertThatThrownBy(() -> MlpForecaster.load(olderModel(11, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trained on other features");
  }

  private static byte[] olderModel(int features, boolean counted) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream older = new DataOutputStream(bytes)) {
      if (counted) {
        older.writeInt(features);
      }
      for (int j = 0; j < features; j++) {
        older.writeFloat(0.3f); // mean
        older.writeFloat(0.05f); // spread
      }
      older.writeFloat(0.02f); // spread of the change
      older.writeInt(1); // members
    }
    return bytes.toByteArray();
  }
}
