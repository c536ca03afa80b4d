-- The rows of one filing table ($table) for the accessions of batch_reconciled: the filings' own side of a
-- reconciliation with the Form 345 data sets.
select *
from query_table($table)
where accession_number in (select accession_number from batch_reconciled)
