-- Replace the batch's Schedule 13D/G rows, inside the load's transaction: a rerun replaces, never duplicates.
-- Inputs (registered by the caller): batch_accessions(accession_number), batch_schedule13_filings and
-- batch_schedule13_persons (transforms/schedule13_rows.py); $source, $f345_quarter and $now say where the rows came
-- from and when (filing_sources, as sql/load/insert_filing_rows.sql records it for Forms 3/4/5).
delete from schedule13_persons where accession_number in (select accession_number from batch_accessions);
delete from schedule13_filings where accession_number in (select accession_number from batch_accessions);
insert into schedule13_filings by name select * from batch_schedule13_filings;
insert into schedule13_persons by name select * from batch_schedule13_persons;
insert into filing_sources
select accession_number, $source, $f345_quarter, $now::timestamp
from batch_schedule13_filings;
