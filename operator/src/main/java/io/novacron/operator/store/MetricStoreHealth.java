package io.novacron.operator.store;

import io.novacron.operator.api.HealthSource;
import java.util.List;

/** The metric history's part of the operator's health: writes succeeding, samples lost. */
public final class MetricStoreHealth implements HealthSource {
  private final SampleWriter writer;
  private final LazyDatabase database;
  private final int queueCapacity;

  public MetricStoreHealth(SampleWriter writer, LazyDatabase database, int queueCapacity) {
    this.writer = writer;
    this.database = database;
    this.queueCapacity = queueCapacity;
  }

  @Override
  public List<HealthCondition> conditions() {
    long dropped = writer.dropped();
    return List.of(
        writer.healthy()
            ? new HealthCondition(
                "MetricHistoryWritable",
                true,
                "WritesSucceed",
                "samples are being written; " + writer.backlog() + " waiting")
            : new HealthCondition(
                "MetricHistoryWritable",
                false,
                "WritesFailing",
                "writing samples fails; "
                    + writer.backlog()
                    + " held in memory (bound "
                    + queueCapacity
                    + ") until the database returns"),
        dropped == 0
            ? new HealthCondition("SamplesLost", true, "NoneLost", "no sample has been dropped")
            : new HealthCondition(
                "SamplesLost",
                false,
                "QueueBoundReached",
                dropped
                    + " samples dropped since start: more than "
                    + queueCapacity
                    + " were waiting for the database"));
  }

  @Override
  public void checkReady() throws Exception {
    database.checkMigrated();
  }
}
