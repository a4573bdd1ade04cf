package io.novacron.operator.forecast;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Multilayer perceptrons (features → 64 → 32 → 16 → 1, ReLU) on DJL's PyTorch engine that predict
 * how much a series will change over the horizon, as a fraction of capacity. Trained with an L1
 * loss (the median change), because what we report and act on is the absolute error. A few members,
 * trained alike from different random starts, forecast as their mean: one network's error on the
 * traces moved by as much as its lead over the best baseline from one seed to the next. Predictions
 * run in batches: one forward pass per member for every 2,048 series of a cycle.
 */
public final class MlpForecaster implements AutoCloseable {
  /**
   * Half the widths we started from (128, 64, 32): with four resources and three networks each,
   * those forecast a steady-state cycle at 87-109K VMs/s, at the edge of the 100K target; these at
   * ~165K, and the trace evaluation scored them as well (CPU 5 min, seeds 42/1/100).
   */
  private static final int[] HIDDEN = {64, 32, 16};

  private static final int MAX_MEMBERS = 16;

  /**
   * Rows per forward pass. A pass over 10,000 rows makes 2.5 MB intermediates, beyond the core's
   * cache; passes of ~2,000 rows took about a quarter less on one thread, and the forecast cycle a
   * fifth less (README, Benchmarks).
   */
  private static final int BATCH_ROWS = 2_048;

  private final List<Model> members;
  private final List<Predictor<NDList, NDList>> predictors = new ArrayList<>();
  private final Scaling scaling;

  private MlpForecaster(List<Model> members, Scaling scaling) {
    this.members = members;
    this.scaling = scaling;
    members.forEach(m -> predictors.add(m.newPredictor(new NoopTranslator())));
  }

  /**
   * Inputs and target standardised with the training set's mean and spread: the raw features are
   * small differences of fractions (around 0.01), too small for the optimiser to move the first
   * layer at a sane learning rate.
   */
  private record Scaling(float[] mean, float[] spread, float changeSpread) {
    private static final float CONSTANT = 1e-6f;

    static Scaling of(TrainingSet rows) {
      int n = rows.size();
      int width = FeatureState.FEATURES;
      float[] x = rows.features();
      float[] mean = new float[width];
      float[] spread = new float[width];
      for (int i = 0; i < x.length; i++) {
        mean[i % width] += x[i] / n;
      }
      for (int i = 0; i < x.length; i++) {
        float d = x[i] - mean[i % width];
        spread[i % width] += d * d / n;
      }
      for (int j = 0; j < spread.length; j++) {
        spread[j] = (float) Math.max(CONSTANT, Math.sqrt(spread[j]));
      }
      double changeSquares = 0;
      for (float c : rows.changes()) {
        changeSquares += (double) c * c / n;
      }
      return new Scaling(mean, spread, (float) Math.max(1e-6, Math.sqrt(changeSquares)));
    }

    /**
     * Standardises rows laid out flat ({@link #flatten}) in place. A feature that never varied in
     * training (such as the time of day when trained on less than a day) carries nothing the model
     * learned: it enters as 0 whatever its value now.
     */
    void standardise(float[] flat) {
      for (int i = 0; i < flat.length; i++) {
        int j = i % mean.length;
        flat[i] = spread[j] <= CONSTANT ? 0 : (flat[i] - mean[j]) / spread[j];
      }
    }

    /**
     * Led by the feature count, so a model stored before the features changed is refused on load
     * (and retrained) instead of misread.
     */
    void write(DataOutputStream out) throws IOException {
      out.writeInt(FeatureState.FEATURES);
      for (int j = 0; j < mean.length; j++) {
        out.writeFloat(mean[j]);
        out.writeFloat(spread[j]);
      }
      out.writeFloat(changeSpread);
    }

    static Scaling read(DataInputStream in) throws IOException {
      int features = in.readInt();
      if (features != FeatureState.FEATURES) {
        throw new IOException(
            "trained on other features than this version computes (" + FeatureState.FEATURES + ")");
      }
      float[] mean = new float[FeatureState.FEATURES];
      float[] spread = new float[FeatureState.FEATURES];
      for (int j = 0; j < mean.length; j++) {
        mean[j] = in.readFloat();
        spread[j] = in.readFloat();
      }
      return new Scaling(mean, spread, in.readFloat());
    }
  }

  /**
   * Training rows, flat: row i's inputs are {@code features[i * FEATURES]} onwards (the layout the
   * model takes; a million rows are one array of 44 MB instead of a million arrays taking 68 MB),
   * and the change each row learns, as fractions.
   */
  public record TrainingSet(float[] features, float[] changes) {
    public TrainingSet {
      if (features.length != (long) changes.length * FeatureState.FEATURES) {
        throw new IllegalArgumentException(
            features.length
                + " inputs are not "
                + FeatureState.FEATURES
                + " for each of "
                + changes.length
                + " rows");
      }
    }

    /** From rows that each hold at least the model's inputs (such as whole feature rows). */
    public static TrainingSet of(float[][] rows, float[] changes) {
      return new TrainingSet(flatten(rows), changes);
    }

    public int size() {
      return changes.length;
    }
  }

  /**
   * How to train: passes over the data, rows per step, Adam's learning rate, the first member's
   * seed (the next ones count up from it), and how many members.
   */
  public record Plan(int epochs, int batchSize, float learningRate, long seed, int members) {
    public static Plan standard() {
      return new Plan(4, 256, 1e-3f, 42, 3);
    }
  }

  public static MlpForecaster train(TrainingSet rows, Plan plan) {
    Scaling scaling = Scaling.of(rows);
    float[] inputs = rows.features().clone();
    scaling.standardise(inputs);
    List<Model> members = new ArrayList<>();
    try {
      for (int m = 0; m < plan.members(); m++) {
        members.add(trainMember(inputs, rows.changes(), scaling, plan, plan.seed() + m));
      }
      return new MlpForecaster(members, scaling);
    } catch (RuntimeException e) {
      members.forEach(Model::close);
      throw e;
    }
  }

  /** {@code inputs}: the standardised rows, flat ({@link Scaling#standardise}). */
  private static Model trainMember(
      float[] inputs, float[] changes, Scaling scaling, Plan plan, long seed) {
    Model model = newModel();
    try {
      ai.djl.engine.Engine.getInstance().setRandomSeed((int) seed);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l1Loss())
              .optOptimizer(
                  Optimizer.adam()
                      .optLearningRateTracker(Tracker.fixed(plan.learningRate()))
                      .build());
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(plan.batchSize(), FeatureState.FEATURES));
        NDManager manager = trainer.getManager();
        NDArray x = manager.create(inputs, inputShape(changes.length));
        NDArray y = manager.create(changes).div(scaling.changeSpread()).reshape(changes.length, 1);
        ArrayDataset data =
            new ArrayDataset.Builder()
                .setData(x)
                .optLabels(y)
                .setSampling(plan.batchSize(), true)
                .build();
        EasyTrain.fit(trainer, plan.epochs(), data, null);
      }
      return model;
    } catch (IOException | TranslateException e) {
      model.close();
      throw new IllegalStateException("training the forecast model failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** A model from {@link #parameters()} of an earlier one. */
  public static MlpForecaster load(byte[] parameters) {
    List<Model> members = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
      Scaling scaling = Scaling.read(in);
      int count = in.readInt();
      if (count < 1 || count > MAX_MEMBERS) {
        throw new IOException("member count " + count + " is not 1-" + MAX_MEMBERS);
      }
      for (int m = 0; m < count; m++) {
        Model model = newModel();
        members.add(model);
        model.getBlock().initialize(model.getNDManager(), model.getDataType(), inputShape(1));
        model.getBlock().loadParameters(model.getNDManager(), in);
      }
      return new MlpForecaster(members, scaling);
    } catch (IOException | ai.djl.MalformedModelException | RuntimeException e) {
      members.forEach(Model::close);
      throw new IllegalArgumentException("not a forecast model: " + e.getMessage(), e);
    }
  }

  private static Model newModel() {
    SequentialBlock block = new SequentialBlock();
    for (int units : HIDDEN) {
      block.add(Linear.builder().setUnits(units).build()).add(Activation::relu);
    }
    block.add(Linear.builder().setUnits(1).build());
    Model model = Model.newInstance("novacron-forecast", "PyTorch");
    model.setBlock(block);
    return model;
  }

  private static Shape inputShape(int rows) {
    return new Shape(rows, FeatureState.FEATURES);
  }

  /**
   * The predicted change of every row, as a fraction of capacity: the members' mean, one forward
   * pass each per {@link #BATCH_ROWS} rows.
   */
  public float[] predict(float[][] features) {
    float[] changes = new float[features.length];
    float[] inputs = flatten(features);
    scaling.standardise(inputs);
    float share = scaling.changeSpread() / members.size();
    for (int from = 0; from < features.length; from += BATCH_ROWS) {
      int rows = Math.min(BATCH_ROWS, features.length - from);
      int offset = from * FeatureState.FEATURES;
      for (int m = 0; m < members.size(); m++) {
        try (NDManager batch = members.get(m).getNDManager().newSubManager()) {
          NDList out =
              predictors
                  .get(m)
                  .predict(
                      new NDList(batch.create(rowsOf(inputs, offset, rows), inputShape(rows))));
          float[] member = out.singletonOrThrow().toFloatArray();
          for (int i = 0; i < rows; i++) {
            changes[from + i] += member[i] * share;
          }
        } catch (TranslateException e) {
          throw new IllegalStateException("forecast failed: " + e.getMessage(), e);
        }
      }
    }
    return changes;
  }

  /**
   * The model's inputs of each row (its first {@link FeatureState#FEATURES} values), row after row
   * in one array: the layout PyTorch takes, so DJL copies it once instead of gathering an array per
   * row.
   */
  private static float[] flatten(float[][] rows) {
    int width = FeatureState.FEATURES;
    float[] flat = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * width, width);
    }
    return flat;
  }

  /** A fresh view of the rows for each pass: DJL reads a buffer to its end. */
  private static FloatBuffer rowsOf(float[] inputs, int offset, int rows) {
    return FloatBuffer.wrap(inputs, offset, rows * FeatureState.FEATURES).slice();
  }

  /** The trained weights, to store and {@link #load} later. */
  public byte[] parameters() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      scaling.write(out);
      out.writeInt(members.size());
      for (Model model : members) {
        model.getBlock().saveParameters(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public void close() {
    predictors.forEach(Predictor::close);
    members.forEach(Model::close);
  }
}
