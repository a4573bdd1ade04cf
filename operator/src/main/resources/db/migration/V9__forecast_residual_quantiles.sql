-- The 10th and 90th percentiles of actual minus forecast on the validation window, for the blend
-- and for the best baseline: served forecasts carry an 80 % interval from them. Models stored
-- before have none (NULL), and their forecasts no interval until the next training run.
ALTER TABLE forecast_models
    ADD COLUMN model_residual_p10 double precision,
    ADD COLUMN model_residual_p90 double precision,
    ADD COLUMN baseline_residual_p10 double precision,
    ADD COLUMN baseline_residual_p90 double precision;
