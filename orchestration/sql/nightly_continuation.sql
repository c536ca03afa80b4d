-- The newest quarter of the Form 345 data sets the warehouse holds rows of, and every day a run already looked at
-- (index_days): where the nightly continues from (transforms/nightly_window.py, which reads the days after the
-- quarter; one row a day since 2003 is a few thousand dates).
select
    (select max(f345_quarter) from filing_sources where f345_quarter is not null) as quarter,
    coalesce(
        (select list(index_date order by index_date) from index_days where status <> 'not_published'), []
    ) as looked_at
