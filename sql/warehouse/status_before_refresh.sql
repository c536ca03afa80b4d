-- The scoped issuers' filing_status rows as they were, so that filing_scope.sql can tell which ones the refresh
-- changed (a new amendment supersedes an old filing's lines without touching the filing itself).
create or replace temp table status_before_refresh as
select * from filing_status where issuer_cik in (select issuer_cik from batch_issuers);
