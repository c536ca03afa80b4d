-- The accessions of batch_accessions (registered by the caller) a feed run already loaded from their own submission,
-- the copy the archive holds: the nightly that lists them again has nothing to do for them.
select accession_number
from filing_latency
where
    loaded_at is not null
    and accession_number in (select accession_number from batch_accessions)
    and accession_number in (select accession_number from filing_sources where source = 'filing')
