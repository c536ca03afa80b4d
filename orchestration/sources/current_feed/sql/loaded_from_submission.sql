-- The accessions of batch_accessions (registered by the caller) the warehouse holds from their own submission: a
-- filing the feed lists again, or that an earlier run of the feed loaded, is not fetched or loaded twice.
select accession_number
from filing_sources
where source = 'filing' and accession_number in (select accession_number from batch_accessions)
