-- Per-VM rollups at 1 minute and 1 hour, maintained incrementally by the writer from the rows
-- it actually inserts (so a retried batch is not counted twice). avg = sum / samples; "last" is
-- the value at last_ts. Kept in plain tables: at most one row per VM and bucket.
CREATE TABLE vm_rollup_1m (
    vm_uid uuid NOT NULL,
    bucket timestamptz NOT NULL,
    samples integer NOT NULL,
    last_ts timestamptz NOT NULL,
    cpu_sum double precision NOT NULL, cpu_min real NOT NULL, cpu_max real NOT NULL, cpu_last real NOT NULL,
    mem_sum double precision, mem_min bigint, mem_max bigint, mem_last bigint,
    disk_read_sum double precision NOT NULL, disk_read_min real NOT NULL, disk_read_max real NOT NULL, disk_read_last real NOT NULL,
    disk_write_sum double precision NOT NULL, disk_write_min real NOT NULL, disk_write_max real NOT NULL, disk_write_last real NOT NULL,
    net_rx_sum double precision NOT NULL, net_rx_min real NOT NULL, net_rx_max real NOT NULL, net_rx_last real NOT NULL,
    net_tx_sum double precision NOT NULL, net_tx_min real NOT NULL, net_tx_max real NOT NULL, net_tx_last real NOT NULL,
    PRIMARY KEY (vm_uid, bucket)
);
CREATE TABLE vm_rollup_1h (LIKE vm_rollup_1m INCLUDING ALL);
-- retention deletes by bucket across all VMs
CREATE INDEX vm_rollup_1m_bucket ON vm_rollup_1m (bucket);
CREATE INDEX vm_rollup_1h_bucket ON vm_rollup_1h (bucket);
