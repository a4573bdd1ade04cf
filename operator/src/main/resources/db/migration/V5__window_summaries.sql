-- Every VM's aggregate over the dashboard's standard windows (last 1 h from 1-minute rollups,
-- last 24 h from 1-hour rollups), recomputed from the rollups after minutes close, so the summary
-- for 10,000 VMs reads 10,000 rows instead of aggregating hundreds of thousands per request.
CREATE TABLE vm_window_summary (
    window_name text NOT NULL,
    vm_uid uuid NOT NULL,
    from_ts timestamptz NOT NULL,
    to_ts timestamptz NOT NULL,
    samples bigint NOT NULL,
    cpu_sum double precision NOT NULL,
    cpu_max real NOT NULL,
    mem_max bigint,
    PRIMARY KEY (window_name, vm_uid)
);
