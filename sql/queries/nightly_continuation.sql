-- The newest quarter of the Form 345 data sets the warehouse holds rows of, and the days from its start that a run
-- already looked at (index_days): where the nightly continues from (transforms/nightly_window.py).
with newest as (
    select max(f345_quarter) as quarter from filing_sources where f345_quarter is not null
)

select
    newest.quarter,
    list(days.index_date order by days.index_date) filter (where days.index_date is not null) as looked_at
from newest
left join index_days as days
    on
        days.index_date >= make_date(left(newest.quarter, 4)::integer, 3 * right(newest.quarter, 1)::integer - 2, 1)
        and days.status <> 'not_published'
group by newest.quarter
