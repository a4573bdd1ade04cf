-- Raw VM samples, partitioned by day (UTC). The primary key (vm_uid, ts) makes a retried batch
-- a no-op and serves the main query, one VM's history over a time range, with partition pruning
-- on ts.
CREATE TABLE vm_samples (
    vm_uid uuid NOT NULL,
    ts timestamptz NOT NULL,
    cpu_percent real NOT NULL,
    vcpu_percent real[] NOT NULL,
    memory_used_bytes bigint,
    memory_available_bytes bigint,
    disk_read_bytes_per_second real NOT NULL,
    disk_write_bytes_per_second real NOT NULL,
    disk_read_ops_per_second real NOT NULL,
    disk_write_ops_per_second real NOT NULL,
    network_rx_bytes_per_second real NOT NULL,
    network_tx_bytes_per_second real NOT NULL,
    PRIMARY KEY (vm_uid, ts)
) PARTITION BY RANGE (ts);
