-- The batch's filings that are already in the warehouse: the only ones with rows to delete (rows of a filing are
-- only ever written together with its `filings` row). Run inside the load's transaction.
-- Inputs (registered by the caller): batch_accessions(accession_number).
create or replace temp table batch_existing as
select accession_number from filings where accession_number in (select accession_number from batch_accessions);
