-- grain: one row per calendar day the pipeline looked for a daily index
-- key: index_date
-- status: loaded | closed (weekend or EDGAR holiday) | not_published (today or later) | missing (a past business
-- day with no index: recorded in ingest_failures and retried)
create table if not exists index_days (
    index_date DATE,
    status VARCHAR,
    index_path VARCHAR,
    entry_count INTEGER,
    closure_reason VARCHAR
);
