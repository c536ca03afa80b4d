-- One row per accession of batch_accessions (registered by the caller) that the warehouse holds a filing of.
select accession_number
from filings
where accession_number in (select accession_number from batch_accessions)
