-- A poll's filings and cursor, in one transaction after their load: each filing's latency row (its first sight
-- kept if an earlier poll saw it; loaded now if this run loaded it) and the cursor the next poll starts from.
-- Inputs: batch_feed_filings(accession_number, accepted_at, accepted_at_utc, first_seen_at, loaded, folder_cik),
-- registered by the caller; $polled_at, $cursor_accepted_at, $cursor_accessions, $gap_since, $now. A run no poll started (the
-- asset materialized from the UI: only the retries) has no $polled_at and leaves the cursor where it was.
update filing_latency as known
set loaded_at = $now
from batch_feed_filings as polled
where known.accession_number = polled.accession_number and polled.loaded and known.loaded_at is null;
insert into filing_latency by name
select
    polled.accession_number,
    polled.accepted_at,
    polled.accepted_at_utc,
    polled.first_seen_at,
    case when polled.loaded then $now::timestamp end as loaded_at,
    null::timestamp as published_at,
    polled.folder_cik
from batch_feed_filings as polled
anti join filing_latency using (accession_number);
insert into feed_polls by name
select
    $polled_at::timestamp as polled_at,
    $cursor_accepted_at::timestamp as cursor_accepted_at,
    $cursor_accessions::varchar[] as cursor_accessions,
    (select count(*) from batch_feed_filings)::integer as filings,
    $gap_since::timestamp as gap_since
where $polled_at::timestamp is not null;
