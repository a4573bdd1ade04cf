package io.novacron.operator.forecast;

import io.novacron.operator.store.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

/** Trained models in PostgreSQL (table forecast_models), versioned by training run. */
public final class ForecastModels {
  private ForecastModels() {}

  /** Stores the model and returns it with its version. */
  public static TrainedModel save(Connection c, TrainedModel m) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO forecast_models (resource, horizon_seconds, trained_at, training_rows,"
                + " validation_rows, model_mae, model_one_minus_wape, baseline, baseline_mae,"
                + " baseline_one_minus_wape, model_weight, parameters, model_residual_p10,"
                + " model_residual_p90, baseline_residual_p10, baseline_residual_p90)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " RETURNING version")) {
      ps.setString(1, m.resource().name());
      ps.setInt(2, (int) m.horizon().toSeconds());
      ps.setObject(3, Timestamps.utc(m.trainedAt()));
      ps.setInt(4, m.trainingRows());
      ps.setInt(5, m.validationRows());
      ps.setDouble(6, m.model().meanAbsoluteError());
      ps.setDouble(7, m.model().oneMinusWape());
      ps.setString(8, m.baseline());
      ps.setDouble(9, m.baselineScore().meanAbsoluteError());
      ps.setDouble(10, m.baselineScore().oneMinusWape());
      ps.setDouble(11, m.modelWeight());
      ps.setBytes(12, m.parameters());
      ps.setObject(13, m.model().residualP10(), Types.DOUBLE);
      ps.setObject(14, m.model().residualP90(), Types.DOUBLE);
      ps.setObject(15, m.baselineScore().residualP10(), Types.DOUBLE);
      ps.setObject(16, m.baselineScore().residualP90(), Types.DOUBLE);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return m.withVersion(rs.getLong(1));
      }
    }
  }

  /** The newest model for the resource and horizon, if one was ever trained. */
  public static Optional<TrainedModel> newest(Connection c, Resource resource, Duration horizon)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT version, trained_at, training_rows, validation_rows, model_mae,"
                + " model_one_minus_wape, baseline, baseline_mae, baseline_one_minus_wape,"
                + " model_weight, parameters, model_residual_p10, model_residual_p90,"
                + " baseline_residual_p10, baseline_residual_p90"
                + " FROM forecast_models WHERE resource = ? AND horizon_seconds = ?"
                + " ORDER BY version DESC LIMIT 1")) {
      ps.setString(1, resource.name());
      ps.setInt(2, (int) horizon.toSeconds());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new TrainedModel(
                rs.getLong(1),
                resource,
                horizon,
                rs.getObject(2, OffsetDateTime.class).toInstant(),
                rs.getInt(3),
                rs.getInt(4),
                new TrainedModel.Score(
                    rs.getDouble(5),
                    rs.getDouble(6),
                    rs.getObject(12, Double.class),
                    rs.getObject(13, Double.class)),
                rs.getString(7),
                new TrainedModel.Score(
                    rs.getDouble(8),
                    rs.getDouble(9),
                    rs.getObject(14, Double.class),
                    rs.getObject(15, Double.class)),
                rs.getDouble(10),
                rs.getBytes(11)));
      }
    }
  }
}
