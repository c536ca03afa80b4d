-- Firings merged into alerts: a key not seen before fires (revision 1); a key whose filing, line, value, date or
-- detail changed, or that comes back after a withdrawal, is revised; a key the merge answers for that no firing
-- names any more is withdrawn. Inputs (temp tables the caller made): alert_firings (the alerts' columns, one row per
-- alert_key) and answered_alerts(alert_key), the existing alerts this merge answers for; $now.
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
    and alerts.alert_key in (select alert_key from answered_alerts)
    and (
        alerts.withdrawn_at is not null
        or (alerts.accession_number, alerts.line_number, alerts.value, alerts.event_date, alerts.detail)
        is distinct from (firings.accession_number, firings.line_number, firings.value, firings.event_date, firings.detail)
    );

update alerts
set revision = revision + 1, previous_value = value, revised_at = $now, revision_published_at = null, withdrawn_at = $now
where
    withdrawn_at is null
    and alert_key in (select alert_key from answered_alerts)
    and alert_key not in (select alert_key from alert_firings);

insert into alerts by name
select
    *,
    1 as revision,
    $now as fired_at
from alert_firings
where alert_key not in (select alert_key from alerts);
