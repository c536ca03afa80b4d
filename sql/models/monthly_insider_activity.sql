-- grain: one row per issuer and calendar month with open-market purchases or sales (codes P and S, Table I)
-- excludes: what counts_as_open_market excludes (flag_code_contradicts_direction, flag_price_outlier,
-- flag_amount_out_of_range). Owner groups (co-filers) count once.
-- scope: date last_day(month)
with open_market as (
    select *
    from transaction_values
    where
        counts_as_open_market
        and transaction_date is not null
        and in_model_scope(issuer_cik)
        and transaction_date >= date_trunc('month', date_scope_start())  -- the month of the first change on
),

monthly as (
    select
        issuer_cik,
        date_trunc('month', transaction_date)::date as month,
        count(*) filter (where transaction_code = 'P') as purchases,
        coalesce(sum(shares) filter (where transaction_code = 'P'), 0) as shares_bought,
        coalesce(sum(value) filter (where transaction_code = 'P'), 0) as value_bought,
        count(distinct owner_group_key) filter (where transaction_code = 'P') as buyers,
        count(*) filter (where transaction_code = 'S') as sales,
        coalesce(sum(shares) filter (where transaction_code = 'S'), 0) as shares_sold,
        coalesce(sum(value) filter (where transaction_code = 'S'), 0) as value_sold,
        count(distinct owner_group_key) filter (where transaction_code = 'S') as sellers
    from open_market
    group by issuer_cik, date_trunc('month', transaction_date)
)

select
    *,
    shares_bought - shares_sold as net_shares,
    value_bought - value_sold as net_value
from monthly
