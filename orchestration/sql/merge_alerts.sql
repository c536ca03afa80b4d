-- The screens' firings (sql/models/alert_*.sql) merged into alerts: a key not seen before fires (revision 1); a key
-- whose filing, line, value, date or detail changed, or that comes back after a withdrawal, is revised; a key the
-- screens no longer find is withdrawn. Every screen selects the same columns; its rule is named here.
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

update alerts
set
    revision = alerts.revision + 1,
    previous_value = alerts.value,
    revised_at = $now,
    revision_published_at = null,
    withdrawn_at = null,
    issuer_name = firings.issuer_name,
    issuer_trading_symbol = firings.issuer_trading_symbol,
    owner_group_key = firings.owner_group_key,
    owner_names = firings.owner_names,
    accession_number = firings.accession_number,
    table_kind = firings.table_kind,
    line_number = firings.line_number,
    event_date = firings.event_date,
    value = firings.value,
    detail = firings.detail,
    filing_date = firings.filing_date
from alert_firings as firings
where
    firings.alert_key = alerts.alert_key
    and ($full or alerts.issuer_cik in (select issuer_cik from model_scope))
    and (
        alerts.withdrawn_at is not null
        or (alerts.accession_number, alerts.line_number, alerts.value, alerts.event_date, alerts.detail)
        is distinct from (firings.accession_number, firings.line_number, firings.value, firings.event_date, firings.detail)
    );

update alerts
set revision = revision + 1, previous_value = value, revised_at = $now, revision_published_at = null, withdrawn_at = $now
where
    withdrawn_at is null
    and ($full or issuer_cik in (select issuer_cik from model_scope))
    and alert_key not in (select alert_key from alert_firings);

insert into alerts by name
select
    *,
    1 as revision,
    $now as fired_at
from alert_firings
where alert_key not in (select alert_key from alerts where $full or issuer_cik in (select issuer_cik from model_scope));
