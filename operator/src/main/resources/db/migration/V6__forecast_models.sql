-- Trained forecast models, one row per training run: the weights (MlpForecaster.parameters) and
-- how the model and the best baseline did on the most recent validation window, so a restarted
-- operator serves the same predictor without retraining. The forecaster reads the newest row per
-- resource and horizon.
CREATE TABLE forecast_models (
    version bigserial PRIMARY KEY,
    resource text NOT NULL,
    horizon_seconds integer NOT NULL,
    trained_at timestamptz NOT NULL,
    training_rows integer NOT NULL,
    validation_rows integer NOT NULL,
    model_mae double precision NOT NULL,
    model_one_minus_wape double precision NOT NULL,
    baseline text NOT NULL,
    baseline_mae double precision NOT NULL,
    baseline_one_minus_wape double precision NOT NULL,
    parameters bytea NOT NULL
);
CREATE INDEX forecast_models_newest ON forecast_models (resource, horizon_seconds, version DESC);
