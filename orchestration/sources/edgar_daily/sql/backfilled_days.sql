-- The days in [$first, $last] a run has read (loaded, or closed): a backfill started again skips its runs whose
-- days are all here. A day recorded missing is not: its run is done again, which retries it.
select index_date
from index_days
where index_date between $first::date and $last::date and status in ('loaded', 'closed')
