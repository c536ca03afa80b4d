-- The rows of the last load's filings (load_scope) in a filing table, for the checks of the filing tables:
-- load_scope_rows('transactions'). Looked up by issuer first (filing_issuer_cik, an integer whose row groups DuckDB
-- skips by their min and max), then by accession: an accession probe alone reads every row group of the table.
-- A row carries the issuer its filing named when it was loaded, so a copy left by an earlier load of the same
-- filing is found under that filing's issuer, or under the issuer it named before a reload changed it (a former
-- issuer of load_scope_parties or model_scope); rows whose filing named no issuer are read as well.
-- The issuers: the load's own record of its filings' parties while the model refresh has not consumed it, else the
-- filings' (a lookup by accession that then reads filings whole, as a check run after the run does).
create or replace macro load_scope_issuers() as table
select cik as issuer_cik
from load_scope_parties
where role in ('issuer', 'former issuer') and accession_number in (select accession_number from load_scope)
union
select issuer_cik from model_scope
union
select issuer_cik
from filings
where accession_number in (
    select accession_number from load_scope
    where accession_number not in (select accession_number from load_scope_parties)
);
create or replace macro load_scope_rows(filing_table) as table
with issuers as materialized (
    select issuer_cik from load_scope_issuers()
)

select *
from query_table(filing_table)
where
    filing_issuer_cik in (select issuer_cik from issuers)
    and accession_number in (select accession_number from load_scope)
union all
select *
from query_table(filing_table)
where filing_issuer_cik is null and accession_number in (select accession_number from load_scope);
create or replace macro load_scope_filings() as table
with issuers as materialized (
    select issuer_cik from load_scope_issuers()
)

select *
from filings
where issuer_cik in (select issuer_cik from issuers) and accession_number in (select accession_number from load_scope)
union all
select *
from filings
where issuer_cik is null and accession_number in (select accession_number from load_scope);
