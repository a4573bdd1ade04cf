-- Raw host samples, partitioned by day like vm_samples and kept as long. Hosts are few (one row
-- per host per interval), so host history is aggregated from raw rows at query time. The primary
-- key makes a retried batch a no-op and serves the one query, one host over a time range.
CREATE TABLE host_samples (
    pool text NOT NULL,
    host text NOT NULL,
    ts timestamptz NOT NULL,
    cpu_percent real,
    memory_free_bytes bigint NOT NULL,
    memory_total_bytes bigint NOT NULL,
    PRIMARY KEY (pool, host, ts)
) PARTITION BY RANGE (ts);

-- Who each sampled VM is: the query API finds a VM's history by namespace and name, and the
-- dashboard filters by namespace or pool. One row per VM UID, written when a VM is first sampled
-- or moves. A VM deleted and re-created under the same name gets a new UID and a new row; the
-- (namespace, name, updated_at) index finds the newest.
CREATE TABLE vm_inventory (
    vm_uid uuid PRIMARY KEY,
    namespace text NOT NULL,
    name text NOT NULL,
    pool text,
    host text,
    updated_at timestamptz NOT NULL
);
CREATE INDEX vm_inventory_name ON vm_inventory (namespace, name, updated_at DESC);
