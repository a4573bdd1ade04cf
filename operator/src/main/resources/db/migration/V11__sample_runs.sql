-- Raw VM samples are stored as runs: one row holds a VM's consecutive samples of one minute that
-- were written in the same batch, each metric as an array in time order. The per-VM primary key
-- then has one entry per run instead of one per sample; that index cost as much as the rows
-- themselves (a binary COPY of 2 M samples: 9 s with it, 4-5 s without), and the row headers and
-- repeated uids shrink with it. A retried batch forms the same runs, so its keys still collide and
-- it is written again sample by sample, skipping stored ones (BatchStore).
--
-- A run never crosses a minute, so a closed minute's samples are exactly the runs starting in it,
-- and day partitions on first_ts hold whole runs. vcpu_percent is two-dimensional (samples x vCPUs);
-- a VM whose vCPU count changes starts a new run. The view vm_samples unnests the runs into one row
-- per sample, with run_start for the readers to prune partitions and use the key.
ALTER TABLE vm_samples RENAME TO vm_samples_v1;

CREATE TABLE vm_sample_runs (
    vm_uid uuid NOT NULL,
    first_ts timestamptz NOT NULL,
    ts timestamptz[] NOT NULL,
    cpu_percent real[] NOT NULL,
    vcpu_percent real[] NOT NULL,
    memory_used_bytes bigint[] NOT NULL,
    memory_available_bytes bigint[] NOT NULL,
    disk_read_bytes_per_second real[] NOT NULL,
    disk_write_bytes_per_second real[] NOT NULL,
    disk_read_ops_per_second real[] NOT NULL,
    disk_write_ops_per_second real[] NOT NULL,
    network_rx_bytes_per_second real[] NOT NULL,
    network_tx_bytes_per_second real[] NOT NULL,
    PRIMARY KEY (vm_uid, first_ts)
) PARTITION BY RANGE (first_ts);
CREATE INDEX vm_sample_runs_first_ts_brin ON vm_sample_runs USING brin (first_ts);

CREATE VIEW vm_samples AS
SELECT r.vm_uid,
       r.first_ts AS run_start,
       s.ts,
       s.cpu_percent,
       ARRAY(SELECT unnest(r.vcpu_percent[s.n:s.n])) AS vcpu_percent,
       s.memory_used_bytes,
       s.memory_available_bytes,
       s.disk_read_bytes_per_second,
       s.disk_write_bytes_per_second,
       s.disk_read_ops_per_second,
       s.disk_write_ops_per_second,
       s.network_rx_bytes_per_second,
       s.network_tx_bytes_per_second
FROM vm_sample_runs r
CROSS JOIN LATERAL unnest(r.ts, r.cpu_percent, r.memory_used_bytes, r.memory_available_bytes,
    r.disk_read_bytes_per_second, r.disk_write_bytes_per_second, r.disk_read_ops_per_second,
    r.disk_write_ops_per_second, r.network_rx_bytes_per_second, r.network_tx_bytes_per_second)
    WITH ORDINALITY AS s(ts, cpu_percent, memory_used_bytes, memory_available_bytes,
        disk_read_bytes_per_second, disk_write_bytes_per_second, disk_read_ops_per_second,
        disk_write_ops_per_second, network_rx_bytes_per_second, network_tx_bytes_per_second, n);

-- Existing history moves over as runs of whole minutes, into partitions of the same days.
DO $$
DECLARE
    p record;
BEGIN
    FOR p IN
        SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'vm_samples_v1'::regclass
    LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF vm_sample_runs %s',
            replace(p.relname, 'vm_samples_', 'vm_sample_runs_'), p.bound);
    END LOOP;
END $$;

INSERT INTO vm_sample_runs
SELECT vm_uid, min(ts), array_agg(ts ORDER BY ts), array_agg(cpu_percent ORDER BY ts),
       coalesce(array_agg(vcpu_percent ORDER BY ts) FILTER (WHERE cardinality(vcpu_percent) > 0),
           '{}'),
       array_agg(memory_used_bytes ORDER BY ts), array_agg(memory_available_bytes ORDER BY ts),
       array_agg(disk_read_bytes_per_second ORDER BY ts),
       array_agg(disk_write_bytes_per_second ORDER BY ts),
       array_agg(disk_read_ops_per_second ORDER BY ts),
       array_agg(disk_write_ops_per_second ORDER BY ts),
       array_agg(network_rx_bytes_per_second ORDER BY ts),
       array_agg(network_tx_bytes_per_second ORDER BY ts)
FROM vm_samples_v1
GROUP BY vm_uid, date_trunc('minute', ts), cardinality(vcpu_percent);

DROP TABLE vm_samples_v1;
