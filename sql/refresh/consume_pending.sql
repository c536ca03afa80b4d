-- reads: batch_accessions
-- writes: load_scope_parties, model_pending
-- Last step of the model refresh, in its transaction: the batch's filings are up to date, so no longer pending.
delete from load_scope_parties where accession_number in (select accession_number from batch_accessions);
delete from model_pending where accession_number in (select accession_number from batch_accessions);
