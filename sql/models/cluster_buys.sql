-- grain: one row per issuer and day on which a cluster starts: at least $min_owner_groups distinct owner groups
-- bought in the open market within $window_days days from that day
-- parameters: min_owner_groups = 3, window_days = 10
-- scope: date window_start + cast($window_days as integer) - 1
-- excludes: what counts_as_open_market excludes (flag_code_contradicts_direction, flag_price_outlier,
-- flag_amount_out_of_range). Co-filers of one filing are one owner group.
with buys as (
    select issuer_cik, owner_group_key, transaction_date, value
    from transaction_values
    where
        counts_as_open_market
        and transaction_code = 'P'
        and transaction_date is not null
        and in_model_scope(issuer_cik)
        -- a window that may have changed starts at most $window_days - 1 days before the first change
        and transaction_date >= date_scope_start() - cast($window_days as integer) + 1
),

starts as (
    select distinct issuer_cik, transaction_date as window_start
    from buys
),

windows as (
    select
        starts.issuer_cik,
        starts.window_start,
        max(buys.transaction_date) as last_buy,
        count(distinct buys.owner_group_key) as owner_groups,
        list_sort(list(distinct buys.owner_group_key)) as owner_group_keys,
        count(*) as purchases,
        sum(buys.value) as value_bought
    from starts
    inner join buys
        on
            buys.issuer_cik = starts.issuer_cik
            and buys.transaction_date >= starts.window_start
            and buys.transaction_date < starts.window_start + cast($window_days as integer)
    group by starts.issuer_cik, starts.window_start
)

select *
from windows
where owner_groups >= $min_owner_groups
