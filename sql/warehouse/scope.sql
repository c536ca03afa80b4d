-- The issuers and owners whose derived rows the batch (batch_accessions) can change; temp tables for this session.
create or replace temp table batch_issuers as
select distinct issuer_cik
from filings
where accession_number in (select accession_number from batch_accessions) and issuer_cik is not null;
create or replace temp table batch_owners as
select distinct owner_cik
from filing_owners
where accession_number in (select accession_number from batch_accessions) and owner_cik is not null;
-- Kept after the run: the SQL models and the position checks that follow recompute and check these issuers only.
delete from model_scope;
insert into model_scope select issuer_cik from batch_issuers;
