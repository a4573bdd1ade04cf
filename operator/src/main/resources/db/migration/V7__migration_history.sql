-- One row per finished Migration (succeeded, failed or cancelled), written when it ends, so
-- benchmarks and the forecaster can learn what moves cost. The Migration resource may be deleted
-- long before this history is. Keyed by the Migration's UID: a retried write never duplicates.
CREATE TABLE migration_history (
    migration_uid uuid PRIMARY KEY,
    namespace text NOT NULL,
    name text NOT NULL,
    vm_uid uuid NOT NULL,
    vm_name text NOT NULL,
    node_pool text NOT NULL,
    source_host text NOT NULL,
    target_host text,
    mode text NOT NULL,
    outcome text NOT NULL,
    started_at timestamptz,
    finished_at timestamptz NOT NULL,
    duration_ms bigint,
    downtime_ms bigint,
    bytes_transferred bigint,
    post_copy boolean NOT NULL,
    reason text
);
-- "what did moves of this VM cost lately": by VM, newest first
CREATE INDEX migration_history_by_vm ON migration_history (vm_uid, finished_at DESC);
