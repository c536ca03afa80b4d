-- grain: one row per late Form 4 reporting a trade the large-purchase or executive-sale screen alerts on
-- scope: filing
-- An alert screen (orchestration/sql/merge_alerts.sql fires each row once, as `alerts`). Late as filing_lag counts it:
-- a Form 4 filed more than two business days after its earliest trade. An amendment is as late as the Form 4 it
-- restates (the other screens key an alert by that filing), so a 4/A revises the alert rather than withdraw it. The
-- trade, value and line are the other screen's; the key is that alert's, under this rule.
with trades as (
    select *, 'large purchase' as trade from alert_large_purchases where in_filing_scope(accession_number)
    union all by name
    select *, 'executive sale' as trade from alert_executive_sales where in_filing_scope(accession_number)
),

-- The filing lag of the scope's issuers first (materialized: their row groups only; the filing an alert is keyed by
-- is one of its trade's issuer's), then the trades' filings.
lag as materialized (
    select accession_number, lag_business_days, is_late_form4
    from filing_lag
    where in_model_scope(issuer_cik)
)

select
    trades.issuer_cik,
    trades.accession_number,
    trades.owner_group_key,
    trades.table_kind,
    trades.line_number,
    trades.event_date,
    trades.value,
    trades.trade || ' filed ' || lag.lag_business_days || ' business days after the trade' as detail,
    replace(trades.trade, ' ', '_') || ':' || trades.alert_key as alert_key
from trades
inner join lag on lag.accession_number = trades.alert_key
where lag.is_late_form4
