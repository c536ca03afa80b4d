-- grain: one row per issuer and day a cluster of at least $min_owner_groups groups buying in $window_days days forms
-- A cluster forms on a day when that many owner groups bought in the open market within the $window_days days ending on
-- it, and no day in the $window_days days before it had as many.
-- parameters: min_owner_groups = 3, window_days = 7
-- scope: date event_date
-- excludes: what counts_as_open_market excludes (flag_code_contradicts_direction, flag_price_outlier,
-- flag_amount_out_of_range). An alert screen (orchestration/sql/merge_alerts.sql fires each row once, as `alerts`): one
-- cluster fires once, on the trade day its last needed buyer completes it; the buys that follow within the window
-- belong to it. Open-market purchases are code P of non-derivative securities, flagged rows left out; co-filers of one
-- filing are one owner group. The filing and line named are the completing day's last-filed purchase, its largest line.
-- The key is the issuer and that day.
with buys as (
    select issuer_cik, owner_group_key, accession_number, line_number, transaction_date, value, filing_date
    from transaction_values
    where
        counts_as_open_market
        and transaction_code = 'P'
        and transaction_date is not null
        and in_model_scope(issuer_cik)
        -- a formed day reads its own window and the window before it
        and transaction_date >= date_scope_start() - 2 * cast($window_days as integer) + 1
),

days as (
    select distinct issuer_cik, transaction_date as day
    from buys
),

windows as (
    select
        days.issuer_cik,
        days.day,
        count(distinct buys.owner_group_key) as owner_groups,
        sum(buys.value) as value
    from days
    inner join buys
        on
            buys.issuer_cik = days.issuer_cik
            and buys.transaction_date <= days.day
            and buys.transaction_date > days.day - cast($window_days as integer)
    group by days.issuer_cik, days.day
),

clustered as (
    select
        issuer_cik,
        day,
        owner_groups,
        value,
        lag(day) over (partition by issuer_cik order by day) as previous_clustered_day
    from windows
    where owner_groups >= $min_owner_groups
),

formed as (
    select *
    from clustered
    where previous_clustered_day is null or previous_clustered_day <= day - cast($window_days as integer)
),

completing as (
    select
        issuer_cik,
        transaction_date as day,
        first(accession_number order by filing_date desc, accession_number desc) as accession_number
    from buys
    group by issuer_cik, transaction_date
)

select
    formed.issuer_cik,
    completing.accession_number,
    null::varchar as owner_group_key,
    'non_derivative' as table_kind,
    (
        select first(buys.line_number order by buys.value desc nulls last, buys.line_number)
        from buys
        where buys.accession_number = completing.accession_number and buys.transaction_date = formed.day
    ) as line_number,
    formed.day as event_date,
    formed.value,
    formed.owner_groups || ' owner groups within ' || cast($window_days as integer) || ' days' as detail,
    formed.issuer_cik || ':' || formed.day as alert_key
from formed
inner join completing on completing.issuer_cik = formed.issuer_cik and completing.day = formed.day
