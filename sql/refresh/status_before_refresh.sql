-- reads: batch_accessions, batch_issuers, filing_status, scoped_filings
-- writes: status_before_refresh
-- reads as before: filing_status
-- The filing_status rows the refresh replaces, as they were, so that filing_scope.sql can tell which ones it
-- changed (a new amendment supersedes an old filing's lines without touching the filing itself).
create or replace temp table status_before_refresh as
select * from filing_status
where
    issuer_cik in (select issuer_cik from batch_issuers)
    and (
        accession_number in (select accession_number from scoped_filings)
        or accession_number in (select accession_number from batch_accessions)
    );
