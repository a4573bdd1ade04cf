-- The resident memory of each VM's QEMU process on its host, which libvirt reports whatever runs
-- in the guest (memory used needs the guest's balloon driver). Rolled up like memory used. Added
-- without defaults, so existing partitions and rollup rows are not rewritten.
ALTER TABLE vm_samples ADD COLUMN memory_rss_bytes bigint;
ALTER TABLE vm_rollup_1m ADD COLUMN mem_rss_sum double precision, ADD COLUMN mem_rss_min bigint,
    ADD COLUMN mem_rss_max bigint, ADD COLUMN mem_rss_last bigint;
ALTER TABLE vm_rollup_1h ADD COLUMN mem_rss_sum double precision, ADD COLUMN mem_rss_min bigint,
    ADD COLUMN mem_rss_max bigint, ADD COLUMN mem_rss_last bigint;
