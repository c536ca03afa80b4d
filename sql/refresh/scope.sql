-- reads: batch_accessions, filing_owners, filings, load_scope_parties, model_pending, model_scope
-- writes: batch_issuers, batch_owners, batch_unrecorded, model_scope
-- reads as before: load_scope_parties, model_pending
-- The issuers and owners whose derived rows the batch (batch_accessions) can change; temp tables for this session.
-- The load recorded each pending filing's parties (load_scope_parties); only a filing no load left pending (a
-- caller's own list) is looked up in the filing tables, and with none such DuckDB skips those scans entirely.
create or replace temp table batch_unrecorded as
select accession_number from batch_accessions
where accession_number not in (select accession_number from model_pending);
create or replace temp table batch_issuers as
select cik as issuer_cik
from load_scope_parties
where role in ('issuer', 'former issuer') and accession_number in (select accession_number from batch_accessions)
union
select issuer_cik
from filings
where accession_number in (select accession_number from batch_unrecorded) and issuer_cik is not null;
create or replace temp table batch_owners as
select cik as owner_cik
from load_scope_parties
where role in ('owner', 'former owner') and accession_number in (select accession_number from batch_accessions)
union
select owner_cik
from filing_owners
where accession_number in (select accession_number from batch_unrecorded) and owner_cik is not null;
-- Kept after the run: the SQL models and the position checks that follow recompute and check these issuers only.
-- Added to, not replaced: issuers of a run stopped before its SQL models stay until a run publishes
-- (published_warehouse clears them once every model is up to date).
insert into model_scope
select issuer_cik from batch_issuers
where issuer_cik not in (select issuer_cik from model_scope);
