-- The screens' firings (sql/models/alert_*.sql), made ready to merge into alerts (apply_alert_firings.sql: a new key
-- fires, a changed one is revised, one no longer found is withdrawn). Every screen selects the same columns; its
-- rule is named here.
-- Only the issuers the runs refreshed (model_scope) can have changed firings, so only theirs are merged, unless
-- $full (a screen was built in full since the last merge: orchestration/alert_assets.py), which merges every issuer.
-- An alert's key names a filing of its issuer (or the filing an amendment of that issuer restates), so the alerts
-- of other issuers need not be read to tell a new key from a known one.
create or replace temp table alert_firings as
with scope as materialized (
    select issuer_cik from model_scope
),

screens as materialized (
    select 'large_purchase' as rule, * from alert_large_purchases
    where $full or issuer_cik in (select issuer_cik from scope)
    union all by name
    select 'executive_sale' as rule, * from alert_executive_sales
    where $full or issuer_cik in (select issuer_cik from scope)
    union all by name
    select 'first_purchase' as rule, * from alert_first_purchases
    where $full or issuer_cik in (select issuer_cik from scope)
    union all by name
    select 'cluster_buy' as rule, * from alert_cluster_buys
    where $full or issuer_cik in (select issuer_cik from scope)
    union all by name
    select 'late_trade' as rule, * from alert_late_trades
    where $full or issuer_cik in (select issuer_cik from scope)
),

-- The scope's filings first (materialized: their issuers' row groups only), then the firings' own.
scoped_filings as materialized (
    select accession_number, issuer_name, issuer_trading_symbol, filing_date
    from filings
    where $full or issuer_cik in (select issuer_cik from scope)
),

owner_names as (
    select accession_number, string_agg(owner_name, '; ' order by owner_position) as owner_names
    from filing_owners
    where
        ($full or filing_issuer_cik in (select issuer_cik from scope))
        and accession_number in (select accession_number from screens)
    group by accession_number
)

select
    screens.rule || ':' || screens.alert_key as alert_key,
    screens.rule,
    screens.issuer_cik,
    filings.issuer_name,
    filings.issuer_trading_symbol,
    screens.owner_group_key,
    owner_names.owner_names,
    screens.accession_number,
    screens.table_kind,
    screens.line_number,
    screens.event_date,
    screens.value,
    screens.detail,
    filings.filing_date
from screens
inner join scoped_filings as filings on filings.accession_number = screens.accession_number
left join owner_names on owner_names.accession_number = screens.accession_number;

-- The alerts this merge answers for: the screens' of the issuers in scope (a Schedule 13D/G alert, table_kind
-- 'schedule13', is merged apart: orchestration/sql/merge_schedule13_alerts.sql). The firings are applied to them
-- by orchestration/sql/apply_alert_firings.sql.
create or replace temp table answered_alerts as
select alert_key
from alerts
where coalesce(table_kind, '') <> 'schedule13' and ($full or issuer_cik in (select issuer_cik from model_scope));
