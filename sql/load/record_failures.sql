-- Record this run's failures: a known (subject, stage) counts one more attempt and reopens; a new one starts at 1.
-- Inputs: batch_failures(subject, stage, reason, detail, url, partition_date), $now.
update ingest_failures as known
set reason = failed.reason,
    detail = failed.detail,
    url = failed.url,
    attempts = known.attempts + 1,
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
    1 as attempts,
    $now as first_seen,
    $now as last_seen,
    null as resolved_at
from batch_failures as failed
where not exists (
    select 1 from ingest_failures as known
    where known.subject = failed.subject and known.stage = failed.stage
);
