-- One row per run of batch_runs (registered by the caller: run_id, started_at, ended_at, naive UTC as the pipeline
-- writes its own times) with how many failures it recorded that are still open: last seen while it ran, not
-- resolved since.
select
    runs.run_id,
    count(failures.subject) as open_failures
from batch_runs as runs
left join ingest_failures as failures
    on failures.resolved_at is null
    and failures.last_seen between runs.started_at and runs.ended_at
group by runs.run_id
