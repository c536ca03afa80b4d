-- grain: one row per issuer and month with open-market activity in it or the 5 months before it
-- Net purchase ratio over the 6 months ending with `month` (Lakonishok and Lee 2001): (purchases − sales) /
-- (purchases + sales), by number of transactions and by shares. Inherits monthly_insider_activity's exclusions.
-- scope: date last_day(month)
with activity_in_scope as (
    -- the 6-month window of the first month that may have changed
    select *
    from monthly_insider_activity
    where
        in_model_scope(issuer_cik)
        and month >= date_trunc('month', date_scope_start()) - interval 5 month
),

months as (
    select distinct
        activity.issuer_cik,
        (activity.month + to_months(offset_months))::date as month
    from activity_in_scope as activity
    cross join range(0, 6) as offsets (offset_months)
),

windowed as (
    select
        months.issuer_cik,
        months.month,
        coalesce(sum(activity.purchases), 0) as purchases_6m,
        coalesce(sum(activity.sales), 0) as sales_6m,
        coalesce(sum(activity.shares_bought), 0) as shares_bought_6m,
        coalesce(sum(activity.shares_sold), 0) as shares_sold_6m
    from months
    left join activity_in_scope as activity
        on
            activity.issuer_cik = months.issuer_cik
            and activity.month > (months.month - to_months(6))::date
            and activity.month <= months.month
    group by months.issuer_cik, months.month
)

select
    *,
    (purchases_6m - sales_6m) / nullif(purchases_6m + sales_6m, 0) as net_purchase_ratio,
    (shares_bought_6m - shares_sold_6m) / nullif(shares_bought_6m + shares_sold_6m, 0) as net_purchase_ratio_shares
from windowed
