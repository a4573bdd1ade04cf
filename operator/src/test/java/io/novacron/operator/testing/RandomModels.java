package io.novacron.operator.testing;

import io.novacron.operator.forecast.FeatureState;
import io.novacron.operator.forecast.MlpForecaster;
import java.util.Random;

/**
 * Weights of a real model (as many networks as the operator trains) trained for one epoch on random
 * rows: it runs; what it says is noise.
 */
public final class RandomModels {
  private RandomModels() {}

  public static byte[] weights(Random random, int rows, int batchSize) {
    float[][] x = new float[rows][FeatureState.FEATURES];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < FeatureState.FEATURES; j++) {
        x[i][j] = random.nextFloat();
      }
      y[i] = random.nextFloat() / 10;
    }
    try (MlpForecaster model =
        MlpForecaster.train(
            MlpForecaster.TrainingSet.of(x, y),
            new MlpForecaster.Plan(
                1, batchSize, 1e-3f, 1, MlpForecaster.Plan.standard().members()))) {
      return model.parameters();
    }
  }
}
