-- Replace every row of the batch's filings in all filing tables; run inside one transaction.
-- Inputs (registered by the caller): batch_accessions(accession_number) and batch_<table> frames.
-- Rows of a filing are only ever written together with its `filings` row (this file), so the filings already in
-- the warehouse are the only ones with rows to delete: finding them once spares each table a full scan of its
-- accession column for a night of new filings.
create or replace temp table batch_existing as
select accession_number from filings where accession_number in (select accession_number from batch_accessions);
-- The parties the replaced rows name: an issuer or owner the new rows no longer name has derived rows to redo.
insert into load_scope_parties
select accession_number, 'issuer' as role, issuer_cik as cik
from filings
where accession_number in (select accession_number from batch_existing) and issuer_cik is not null
union all
select accession_number, 'owner' as role, owner_cik as cik
from filing_owners
where accession_number in (select accession_number from batch_existing) and owner_cik is not null;
delete from filings where accession_number in (select accession_number from batch_existing);
delete from filing_owners where accession_number in (select accession_number from batch_existing);
delete from transactions where accession_number in (select accession_number from batch_existing);
delete from holdings where accession_number in (select accession_number from batch_existing);
delete from footnotes where accession_number in (select accession_number from batch_existing);
delete from signatures where accession_number in (select accession_number from batch_existing);
delete from filing_parties where accession_number in (select accession_number from batch_existing);
delete from unknown_elements where accession_number in (select accession_number from batch_existing);
insert into filings by name select * from batch_filings;
insert into filing_owners by name select * from batch_filing_owners;
insert into transactions by name select * from batch_transactions;
insert into holdings by name select * from batch_holdings;
insert into footnotes by name select * from batch_footnotes;
insert into signatures by name select * from batch_signatures;
insert into filing_parties by name select * from batch_filing_parties;
insert into unknown_elements by name select * from batch_unknown_elements;
insert into load_scope select distinct accession_number from batch_accessions;
insert into model_pending
select distinct accession_number from batch_accessions
where accession_number not in (select accession_number from model_pending);
insert into load_scope_parties
select accession_number, 'issuer' as role, issuer_cik as cik from batch_filings where issuer_cik is not null
union all
select accession_number, 'owner' as role, owner_cik as cik from batch_filing_owners where owner_cik is not null;
