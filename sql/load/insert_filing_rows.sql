-- Insert the batch's rows into every filing table and note them for the checks and the model refresh; run inside
-- the load's transaction, after find_replaced_filings.sql (and delete_replaced_filings.sql when it found any).
-- Inputs (registered by the caller): batch_accessions(accession_number) and batch_<table> frames; $source says
-- where the rows came from ('filing' or 'f345', with $f345_quarter), recorded per filing in filing_sources.
-- The rows of a filing's owners, lines, footnotes and parties carry the issuer the filing names (filing_issuer_cik:
-- lookups by issuer skip other issuers' row groups); NULL when the batch has no filing row for them.
insert into filings by name select * from batch_filings;
create or replace temp table batch_filing_issuers as
select accession_number, any_value(issuer_cik) as filing_issuer_cik
from batch_filings
group by accession_number;
create or replace temp macro with_filing_issuer(batch_table) as table
select batch.*, issuers.filing_issuer_cik
from query_table(batch_table) as batch
left join batch_filing_issuers as issuers on issuers.accession_number = batch.accession_number;
insert into filing_owners by name select * from with_filing_issuer('batch_filing_owners');
insert into transactions by name select * from with_filing_issuer('batch_transactions');
insert into holdings by name select * from with_filing_issuer('batch_holdings');
insert into footnotes by name select * from with_filing_issuer('batch_footnotes');
insert into signatures by name select * from batch_signatures;
insert into filing_parties by name select * from with_filing_issuer('batch_filing_parties');
insert into unknown_elements by name select * from batch_unknown_elements;
delete from filing_sources where accession_number in (select accession_number from batch_accessions);
insert into filing_sources
select accession_number, $source, $f345_quarter, $now::timestamp
from batch_filings;
-- load_scope keeps its key when a run loads an accession twice (a filing the data set left out, then fetched; a
-- damaged copy fetched again): an anti join, which hashes the batch, not the whole history a run has loaded so far.
insert into load_scope
select distinct batch.accession_number
from batch_accessions as batch
anti join load_scope using (accession_number);
insert into model_pending
select distinct accession_number from batch_accessions
where accession_number not in (select accession_number from model_pending);
insert into load_scope_parties
select accession_number, 'issuer' as role, issuer_cik as cik from batch_filings where issuer_cik is not null
union all
select accession_number, 'owner' as role, owner_cik as cik from batch_filing_owners where owner_cik is not null;
