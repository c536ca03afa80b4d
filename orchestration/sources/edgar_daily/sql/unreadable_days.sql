-- The days in [$first_day, $last_day] whose index could not be read (status missing), with why: these fail the run.
select
    days.index_date,
    coalesce(failures.reason, 'index_missing') as reason,
    coalesce(failures.detail, '') as detail
from index_days as days
left join ingest_failures as failures
    on failures.stage = 'index' and failures.subject = 'daily-index/' || strftime(days.index_date, '%Y-%m-%d')
where days.index_date between $first_day and $last_day and days.status = 'missing'
order by days.index_date
