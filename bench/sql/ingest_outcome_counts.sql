-- How a run ended: filings listed, loaded, and still failing (unaccounted ones: unaccounted_filings.sql).
select
    (select count(*) from index_entries) as listed,
    (select count(*) from filings) as loaded,
    (select count(*) from ingest_failures where resolved_at is null) as open_failures
