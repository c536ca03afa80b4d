-- One row: the filings EDGAR accepted on $today (New York) that the feed brought to the read copy, and the median and
-- worst seconds from acceptance to the read copy.
select
    count(*) as filings,
    median(epoch(published_at) - epoch(accepted_at_utc)) as median_seconds,
    max(epoch(published_at) - epoch(accepted_at_utc)) as worst_seconds
from filing_latency
where accepted_at::date = $today and published_at is not null
