-- One outcome for an alert revision: posted ($status delivered, failed or refused, $attempts posts tried) or
-- skipped without a post ($attempts 0). A failed earlier revision of the alert is superseded by this one: the
-- webhook gets the alert as it now stands, not each revision it missed.
insert into alert_deliveries
select $alert_key, $revision, 0, null, null, null, 'failed'
where not exists (select 1 from alert_deliveries where alert_key = $alert_key and revision = $revision);

update alert_deliveries
set
    attempts = attempts + $attempts,
    last_attempt_at = case when $attempts > 0 then $now else last_attempt_at end,
    delivered_at = case when $status = 'delivered' then $now end,
    last_error = $error,
    status = $status
where alert_key = $alert_key and revision = $revision;

update alert_deliveries set status = 'superseded'
where alert_key = $alert_key and revision < $revision and status = 'failed';
