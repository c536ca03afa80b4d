-- grain: one row: the views, macros and reference rows (sql/views/, sql/seeds/) last written into the warehouse
-- key: digest
-- Pipeline state: the digest of those files' text. Opening the warehouse writes them again only when this
-- release's digest differs, so the many opens of a run each cost a read, not a write.
create table if not exists schema_objects (
    digest VARCHAR,
    written_at TIMESTAMP
);
