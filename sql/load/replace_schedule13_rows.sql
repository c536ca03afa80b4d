-- Replace the batch's Schedule 13D/G rows, inside the load's transaction: a rerun replaces, never duplicates.
-- Inputs (registered by the caller): batch_accessions(accession_number), batch_schedule13_filings and
-- batch_schedule13_persons (transforms/schedule13_rows.py).
delete from schedule13_persons where accession_number in (select accession_number from batch_accessions);
delete from schedule13_filings where accession_number in (select accession_number from batch_accessions);
insert into schedule13_filings by name select * from batch_schedule13_filings;
insert into schedule13_persons by name select * from batch_schedule13_persons;
