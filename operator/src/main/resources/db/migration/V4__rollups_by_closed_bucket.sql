-- Rollups are now computed per closed minute from raw rows (and merged into hours) instead of
-- per inserted batch. The watermark says up to where minutes are closed; the minute closing reads
-- one minute of every VM by time, which the BRIN index on ts serves (rows arrive in time order).
CREATE TABLE rollup_watermark (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    minutes_closed_through timestamptz NOT NULL
);
CREATE INDEX vm_samples_ts_brin ON vm_samples USING brin (ts);
-- The dashboard summary reads every VM's rollups over a window by bucket; covering the columns it
-- uses lets it scan the index alone. It also serves retention (DELETE ... WHERE bucket < ?).
DROP INDEX vm_rollup_1m_bucket;
DROP INDEX vm_rollup_1h_bucket;
CREATE INDEX vm_rollup_1m_summary ON vm_rollup_1m (bucket) INCLUDE (vm_uid, samples, cpu_sum, cpu_max, mem_max);
CREATE INDEX vm_rollup_1h_summary ON vm_rollup_1h (bucket) INCLUDE (vm_uid, samples, cpu_sum, cpu_max, mem_max);
