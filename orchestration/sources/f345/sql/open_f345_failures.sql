-- The subjects with an open failure at stage f345 (quarters, and filings left out of a data set for a malformed
-- line): usually none, so a quarter's load resolves only these instead of all of its accessions.
select subject from ingest_failures where stage = 'f345' and resolved_at is null
