-- grain: one row per filing or index file that could not be fetched, parsed or loaded, per stage
-- key: subject, stage
-- subject is an accession number (stage fetch/parse/load), an index path (stage index) or a Form 345 quarter
-- (stage f345, 'f345/2024q3').
-- A row stays after it is resolved (resolved_at set) so the history of a filing's troubles is kept.
create table if not exists ingest_failures (
    subject VARCHAR,
    stage VARCHAR,
    reason VARCHAR,
    detail VARCHAR,
    url VARCHAR,
    partition_date DATE,
    attempts INTEGER,
    first_seen TIMESTAMP,
    last_seen TIMESTAMP,
    resolved_at TIMESTAMP
);
