-- Each VM's daily profiles (the forecaster's typical day per resource, Forecaster.saveProfiles),
-- saved hourly so a restarted operator resumes them instead of learning its days again. One row
-- per VM, overwritten on each save; a row not saved for a week (the VM deleted or stopped that
-- long) is deleted by the save.
CREATE TABLE vm_daily_profiles (
    vm_uid uuid PRIMARY KEY,
    saved_at timestamptz NOT NULL,
    profiles bytea NOT NULL
);
