-- Delete every row of the filings the batch replaces (batch_existing), in the load's transaction. The caller skips
-- this file for a batch that replaces nothing, as on a night of new filings: each delete reads a table's whole
-- accession column even when it has nothing to find.
-- The parties the replaced rows name: an issuer or owner the new rows no longer name has derived rows to redo.
-- They are former parties, as are those an earlier load of the same filings recorded (loaded twice, not yet
-- refreshed): insert_filing_rows.sql then records the current ones.
update load_scope_parties set role = 'former ' || role
where accession_number in (select accession_number from batch_existing) and role in ('issuer', 'owner');
insert into load_scope_parties
select accession_number, 'former issuer' as role, issuer_cik as cik
from filings
where accession_number in (select accession_number from batch_existing) and issuer_cik is not null
union all
select accession_number, 'former owner' as role, owner_cik as cik
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
