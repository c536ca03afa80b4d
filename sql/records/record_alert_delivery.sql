-- One post of an alert revision to the webhook: delivered ($error null) or failed, counted either way.
insert into alert_deliveries
select $alert_key, $revision, 0, null, null, null
where not exists (select 1 from alert_deliveries where alert_key = $alert_key and revision = $revision);

update alert_deliveries
set
    attempts = attempts + $attempts,
    last_attempt_at = $now,
    delivered_at = case when $error is null then $now end,
    last_error = $error
where alert_key = $alert_key and revision = $revision;
