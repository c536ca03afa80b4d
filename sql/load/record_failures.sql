-- Record this run's failures: a known (subject, stage) counts one more attempt and reopens; a new one starts at 1.
-- A failure because EDGAR could not be reached at all (host_unreachable) counts no attempt: the filing itself was
-- never tried, and an outage of several nights must not quarantine it.
-- Inputs: batch_failures(subject, stage, reason, detail, url, partition_date), $now.
update ingest_failures as known
set reason = failed.reason,
    detail = failed.detail,
    url = failed.url,
    attempts = known.attempts + (failed.reason <> 'host_unreachable')::integer,
    last_seen = $now,
    resolved_at = null
from batch_failures as failed
where known.subject = failed.subject and known.stage = failed.stage;
insert into ingest_failures by name
select
    failed.subject,
    failed.stage,
    failed.reason,
    failed.detail,
    failed.url,
    failed.partition_date,
    (failed.reason <> 'host_unreachable')::integer as attempts,
    $now as first_seen,
    $now as last_seen,
    null as resolved_at
from batch_failures as failed
where not exists (
    select 1 from ingest_failures as known
    where known.subject = failed.subject and known.stage = failed.stage
);
