-- grain: one row per issuer and day with open-market trades, with net buying over the trailing 30, 60, 90 days
-- excludes: what counts_as_open_market excludes (flag_code_contradicts_direction, flag_price_outlier,
-- flag_amount_out_of_range). Windows are calendar days ending on `day`.
-- scope: date day
with daily as (
    select
        issuer_cik,
        transaction_date as day,
        sum(case transaction_code when 'P' then shares else -shares end) as net_shares,
        sum(case transaction_code when 'P' then value else -value end) as net_value
    from transaction_values
    where
        counts_as_open_market
        and transaction_date is not null
        and in_model_scope(issuer_cik)
        and transaction_date >= date_scope_start() - 89  -- the 90-day window of the first day that may have changed
    group by issuer_cik, transaction_date
)

select
    issuer_cik,
    day,
    net_shares,
    net_value,
    sum(net_shares) over trailing_30 as net_shares_30d,
    sum(net_value) over trailing_30 as net_value_30d,
    sum(net_shares) over trailing_60 as net_shares_60d,
    sum(net_value) over trailing_60 as net_value_60d,
    sum(net_shares) over trailing_90 as net_shares_90d,
    sum(net_value) over trailing_90 as net_value_90d
from daily
window
    trailing_30 as (partition by issuer_cik order by day range between interval 29 days preceding and current row),
    trailing_60 as (partition by issuer_cik order by day range between interval 59 days preceding and current row),
    trailing_90 as (partition by issuer_cik order by day range between interval 89 days preceding and current row)
