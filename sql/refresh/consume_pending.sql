-- reads: batch_accessions
-- writes: load_scope_parties, model_pending
-- The batch's filings are refreshed by this transaction, so they are no longer pending. scope.sql, group_scope.sql
-- and date_scope.sql read the pending work as it was (their `-- reads as before`), so they run before this step.
delete from load_scope_parties where accession_number in (select accession_number from batch_accessions);
delete from model_pending where accession_number in (select accession_number from batch_accessions);
