-- grain: one row per day whose index listed ownership filings: how many the latest-filings feed brought first
-- The nightly's daily index is the authority: every filing it lists is loaded, and those the feed saw first (a row
-- of filing_latency) were in the read copy minutes after acceptance; the rest the feed missed (it was down, or the
-- watcher was off longer than the feed reaches back) and came with the nightly.
create or replace view feed_coverage as
select
    entries.date_filed as day,
    count(*) as index_filings,
    count(latency.first_seen_at) as seen_in_feed,
    count(*) - count(latency.first_seen_at) as missed_by_feed,
    median(epoch(latency.published_at) - epoch(latency.accepted_at_utc)) as median_seconds_to_read_copy
from index_entries as entries
left join filing_latency as latency on latency.accession_number = entries.accession_number
group by entries.date_filed
