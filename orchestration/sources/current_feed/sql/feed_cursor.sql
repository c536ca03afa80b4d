-- The cursor the next poll of the latest-filings feed starts from: the latest poll's that read the feed, or with
-- none yet the newest acceptance time the warehouse holds and the filings accepted in that second (none loaded: no
-- row, the whole feed).
with latest_poll as (
    select cursor_accepted_at, cursor_accessions
    from feed_polls
    where failure is null
    order by polled_at desc
    limit 1
),

newest_filing as (
    select max(acceptance_datetime) as accepted_at from filings
)

select cursor_accepted_at, cursor_accessions from latest_poll
union all
select
    newest_filing.accepted_at,
    (select list(accession_number order by accession_number) from filings where acceptance_datetime = newest_filing.accepted_at)
from newest_filing
where newest_filing.accepted_at is not null and not exists (select 1 from latest_poll)
