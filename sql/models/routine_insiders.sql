-- grain: one row per issuer, owner group and calendar year with open-market trades (P or S)
-- Cohen, Malloy and Pomorski (2012): an insider is routine in year Y when they traded in the same calendar month
-- in each of the three years before Y, opportunistic when they traded in each of those years but never in one
-- month common to all three, and unclassified without a trade in each of the three prior years.
-- excludes: flag_code_contradicts_direction, flag_price_outlier, flag_amount_out_of_range.
-- scope: group
with trades as (
    select distinct
        issuer_cik,
        owner_group_key,
        year(transaction_date) as trade_year,
        month(transaction_date) as trade_month
    from transaction_values
    where
        transaction_code in ('P', 'S')
        and transaction_date is not null
        and not flag_code_contradicts_direction
        and not flag_price_outlier
        and not flag_amount_out_of_range
        and in_model_scope(issuer_cik)
        and in_group_scope(issuer_cik, owner_group_key)
),

years as (
    select distinct issuer_cik, owner_group_key, trade_year
    from trades
),

history as (
    select
        years.issuer_cik,
        years.owner_group_key,
        years.trade_year,
        count(distinct prior.trade_year) as prior_years_traded,
        (
            select count(*)
            from (
                select trade_month
                from trades as earlier
                where
                    earlier.issuer_cik = years.issuer_cik
                    and earlier.owner_group_key = years.owner_group_key
                    and earlier.trade_year between years.trade_year - 3 and years.trade_year - 1
                group by trade_month
                having count(distinct earlier.trade_year) = 3
            )
        ) as months_traded_every_prior_year
    from years
    left join trades as prior
        on
            prior.issuer_cik = years.issuer_cik
            and prior.owner_group_key = years.owner_group_key
            and prior.trade_year between years.trade_year - 3 and years.trade_year - 1
    group by years.issuer_cik, years.owner_group_key, years.trade_year
)

select
    issuer_cik,
    owner_group_key,
    trade_year,
    prior_years_traded,
    case
        when prior_years_traded < 3 then 'unclassified'
        when months_traded_every_prior_year > 0 then 'routine'
        else 'opportunistic'
    end as insider_type
from history
