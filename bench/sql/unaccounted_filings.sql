-- Listed filings that are neither loaded nor recorded as an open ingest failure (expected: none, ever).
select accession_number from index_entries
where
    accession_number not in (select accession_number from filings)
    and accession_number not in (select subject from ingest_failures where resolved_at is null)
