-- One row per (stage, reason) of ingest failures: open (retried later), quarantined (attempts exhausted), resolved.
select
    stage,
    reason,
    count(*) filter (where resolved_at is null and attempts < $max_attempts) as open,
    count(*) filter (where resolved_at is null and attempts >= $max_attempts) as quarantined,
    count(*) filter (where resolved_at is not null) as resolved
from ingest_failures
group by stage, reason
order by stage, reason
