package io.novacron.operator.forecast;

import static ai.djl.ndarray.types.DataType.FLOAT32;

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
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.Batchifier;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

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
  private final ByteBuffer batchInputs = nativeFloats(BATCH_ROWS * FeatureState.FEATURES);

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
      for (int i = 0; i < n * width; i++) {
        mean[i % width] += x[i] / n;
      }
      for (int i = 0; i < n * width; i++) {
        float d = x[i] - mean[i % width];
        spread[i % width] += d * d / n;
      }
      for (int j = 0; j < spread.length; j++) {
        spread[j] = (float) Math.max(CONSTANT, Math.sqrt(spread[j]));
      }
      double changeSquares = 0;
      for (int i = 0; i < n; i++) {
        float c = rows.changes()[i];
        changeSquares += (double) c * c / n;
      }
      return new Scaling(mean, spread, (float) Math.max(1e-6, Math.sqrt(changeSquares)));
    }

    /**
     * Puts the row of inputs that starts at {@code values[offset]} standardised into {@code into}.
     * A feature that never varied in training (such as the time of day when trained on less than a
     * day) carries nothing the model learned: it enters as 0 whatever its value now.
     */
    void standardise(float[] values, int offset, FloatBuffer into) {
      for (int j = 0; j < mean.length; j++) {
        into.put(spread[j] <= CONSTANT ? 0 : (values[offset + j] - mean[j]) / spread[j]);
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
   * model takes; a million rows are one array of 48 MB instead of a million arrays taking 68 MB),
   * and the change each row learns, as fractions. The first {@code size} rows count; the arrays may
   * be longer, as sized before the rows were known (a trimmed copy would hold both while copying).
   */
  public record TrainingSet(float[] features, float[] changes, int size) {
    public TrainingSet {
      if (size < 0
          || changes.length < size
          || features.length < (long) size * FeatureState.FEATURES) {
        throw new IllegalArgumentException(
            features.length
                + " inputs and "
                + changes.length
                + " changes do not hold "
                + size
                + " rows of "
                + FeatureState.FEATURES
                + " inputs");
      }
    }

    /** Arrays the rows fill exactly. */
    public TrainingSet(float[] features, float[] changes) {
      this(features, changes, rowsFilling(features, changes));
    }

    private static int rowsFilling(float[] features, float[] changes) {
      if (features.length != (long) changes.length * FeatureState.FEATURES) {
        throw new IllegalArgumentException(
            features.length
                + " inputs are not "
                + FeatureState.FEATURES
                + " for each of "
                + changes.length
                + " rows");
      }
      return changes.length;
    }

    /** From rows that each hold at least the model's inputs (such as whole feature rows). */
    public static TrainingSet of(float[][] rows, float[] changes) {
      return new TrainingSet(flatten(rows), changes);
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
    List<Model> members = new ArrayList<>();
    try {
      for (int m = 0; m < plan.members(); m++) {
        members.add(trainMember(rows, scaling, plan, plan.seed() + m));
      }
      return new MlpForecaster(members, scaling);
    } catch (RuntimeException e) {
      members.forEach(Model::close);
      throw e;
    }
  }

  private static Model trainMember(TrainingSet rows, Scaling scaling, Plan plan, long seed) {
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
        Batches batches = new Batches(rows, scaling, plan.batchSize(), seed);
        for (int epoch = 0; epoch < plan.epochs(); epoch++) {
          batches.shuffle();
          for (int from = 0; from < rows.size(); from += plan.batchSize()) {
            try (Batch batch = batches.get(trainer.getManager().newSubManager(), from)) {
              EasyTrain.trainBatch(trainer, batch);
              trainer.step();
            }
          }
        }
      }
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * One member's passes over the training rows: shuffled afresh for each pass, each batch
   * standardised into two buffers that every batch reuses and PyTorch reads in place. DJL's own
   * dataset (ArrayDataset) gathered each batch through an index array that it handed PyTorch in a
   * new direct buffer, freed only by a garbage collection, and needed the rows in native memory
   * too, copied per member: at the operator's limits up to 241 MB of such buffers waited for the
   * collector during a retraining (bench/run training, README).
   */
  private static final class Batches {
    private final TrainingSet rows;
    private final Scaling scaling;
    private final int size;
    private final int[] order;
    private final Random random;
    private final ByteBuffer inputs;
    private final ByteBuffer targets;

    Batches(TrainingSet rows, Scaling scaling, int size, long seed) {
      this.rows = rows;
      this.scaling = scaling;
      this.size = size;
      this.order = IntStream.range(0, rows.size()).toArray();
      this.random = new Random(seed);
      this.inputs = nativeFloats(size * FeatureState.FEATURES);
      this.targets = nativeFloats(size);
    }

    void shuffle() {
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int kept = order[i];
        order[i] = order[j];
        order[j] = kept;
      }
    }

    /**
     * The batch of the shuffled rows from {@code from} on, its arrays on {@code manager} (which it
     * closes). Valid until the next batch is taken: they all share the same buffers.
     */
    Batch get(NDManager manager, int from) {
      int count = Math.min(size, order.length - from);
      FloatBuffer x = inputs.asFloatBuffer();
      FloatBuffer y = targets.asFloatBuffer();
      for (int k = 0; k < count; k++) {
        int row = order[from + k];
        scaling.standardise(rows.features(), row * FeatureState.FEATURES, x);
        y.put(rows.changes()[row] / scaling.changeSpread());
      }
      NDList data = new NDList(readInPlace(manager, inputs, inputShape(count)));
      NDList labels = new NDList(readInPlace(manager, targets, new Shape(count, 1)));
      return new Batch(
          manager, data, labels, count, Batchifier.STACK, Batchifier.STACK, from, order.length);
    }
  }

  /** Room for {@code count} floats in the layout PyTorch reads in place, without a copy. */
  private static ByteBuffer nativeFloats(int count) {
    return ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder());
  }

  /**
   * An array of {@code shape} over the start of a {@link #nativeFloats} buffer, no copy made. DJL
   * gets a duplicate limited to the array's size: it would set the limit of the buffer itself, and
   * it logs a warning for every buffer longer than the array.
   */
  private static NDArray readInPlace(NDManager manager, ByteBuffer floats, Shape shape) {
    ByteBuffer view = floats.duplicate().limit(Math.toIntExact(shape.size() * Float.BYTES));
    return manager.create(view, shape, FLOAT32);
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
   * pass each per {@link #BATCH_ROWS} rows. The rows of a pass are standardised into one buffer
   * that every pass reuses (so calls take turns) and PyTorch reads in place: given Java arrays, DJL
   * copies them into a new direct buffer per pass and member, which only a garbage collection
   * frees.
   */
  public synchronized float[] predict(float[][] features) {
    float[] changes = new float[features.length];
    float share = scaling.changeSpread() / members.size();
    for (int from = 0; from < features.length; from += BATCH_ROWS) {
      int rows = Math.min(BATCH_ROWS, features.length - from);
      FloatBuffer values = batchInputs.asFloatBuffer();
      for (int i = 0; i < rows; i++) {
        scaling.standardise(features[from + i], 0, values);
      }
      for (int m = 0; m < members.size(); m++) {
        try (NDManager batch = members.get(m).getNDManager().newSubManager()) {
          NDList out =
              predictors
                  .get(m)
                  .predict(new NDList(readInPlace(batch, batchInputs, inputShape(rows))));
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
   * in one array.
   */
  private static float[] flatten(float[][] rows) {
    int width = FeatureState.FEATURES;
    float[] flat = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * width, width);
    }
    return flat;
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
