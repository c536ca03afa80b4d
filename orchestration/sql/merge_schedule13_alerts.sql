-- The Schedule 13D/G rules' firings (sql/views/schedule13_firings.sql) merged into alerts, as
-- merge_alerts.sql merges the Forms 3/4/5 screens': a new key fires, a changed one is revised, one no longer found
-- is withdrawn. Merged whole each time: the rules read the holder chains, a few rows per filer and issuer.
create or replace temp table schedule13_firings as
from schedule13_alert_firings();

update alerts
set
    revision = alerts.revision + 1,
    previous_value = alerts.value,
    revised_at = $now,
    revision_published_at = null,
    withdrawn_at = null,
    issuer_name = firings.issuer_name,
    owner_group_key = firings.owner_group_key,
    owner_names = firings.owner_names,
    line_number = firings.line_number,
    event_date = firings.event_date,
    value = firings.value,
    detail = firings.detail,
    filing_date = firings.filing_date
from schedule13_firings as firings
where
    firings.alert_key = alerts.alert_key
    and (
        alerts.withdrawn_at is not null
        or (alerts.line_number, alerts.value, alerts.event_date, alerts.detail)
        is distinct from (firings.line_number, firings.value, firings.event_date, firings.detail)
    );

update alerts
set revision = revision + 1, previous_value = value, revised_at = $now, revision_published_at = null, withdrawn_at = $now
where
    withdrawn_at is null
    and table_kind = 'schedule13'
    and alert_key not in (select alert_key from schedule13_firings);

insert into alerts by name
select
    *,
    1 as revision,
    $now as fired_at
from schedule13_firings
where alert_key not in (select alert_key from alerts);
