-- The accessions of batch_f345_accessions already loaded from their own submission: a data set never replaces them.
select accession_number
from filing_sources
where source = 'filing' and accession_number in (select accession_number from batch_f345_accessions)
