-- grain: one row per schema version the warehouse has been brought to
-- key: version
-- Pipeline state: which migrations (sql/migrations/NNNN_name.sql) this warehouse has run, and when. A warehouse built
-- fresh has one row, its version at birth, named 'fresh'.
create table if not exists schema_version (
    version INTEGER,
    migration VARCHAR,
    applied_at TIMESTAMP
);
