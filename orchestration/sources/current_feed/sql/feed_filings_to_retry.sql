-- The filings earlier feed runs listed but could not load (EDGAR's Archives did not serve them yet, a fetch failed)
-- and not loaded since, with an open failure of fewer than $max_attempts attempts or none recorded: a feed run
-- fetches them again along with its own. Past the attempts they wait for the nightly, which lists them from the
-- daily index.
select latency.accession_number, latency.folder_cik, latency.accepted_at, latency.accepted_at_utc, latency.first_seen_at
from filing_latency as latency
where
    latency.loaded_at is null
    and latency.folder_cik is not null
    and latency.accession_number not in (select accession_number from filing_sources where source = 'filing')
    and latency.accession_number not in (
        select subject from ingest_failures
        where stage in ('fetch', 'parse') and resolved_at is null and attempts >= $max_attempts
    )
order by latency.accepted_at, latency.accession_number
