-- A serving model's forecast is blended with its best baseline's: model_weight of the model's,
-- the rest the baseline's, chosen on the validation window. Models stored before served alone.
ALTER TABLE forecast_models ADD COLUMN model_weight double precision NOT NULL DEFAULT 1;
