"""The nightly's job and schedule: ingest the last few EDGAR days in one run, so a late index is picked up next
night."""

from datetime import timedelta

import dagster as dg

from orchestration.partitions import EDGAR_TIMEZONE
from orchestration.resources import StorageResource
from orchestration.run_window import nightly_window_of
from orchestration.sources.load_jobs import load_job

# The day-partitioned ingest, then what follows from its load, then its verdict over its days. One process for the
# run's steps, as the CLI runs them: steps in processes of their own would only queue for DuckDB's one writer, and
# each would open the warehouse with cold buffers.
ingest_job = load_job(
    "ingest_edgar_days",
    "index_days",
    "index_entries",
    description="Discover, fetch, parse and load the EDGAR ownership filings of a range of days.",
    kind="days",
    outcome="ingest_outcome",
)


@dg.schedule(job=ingest_job, cron_schedule="0 6 * * *", execution_timezone=EDGAR_TIMEZONE)
def nightly_ingest(context: dg.ScheduleEvaluationContext, storage: StorageResource) -> dg.RunRequest:
    """At 06:00 New York, one single-run backfill over the last PUBLISH_GRACE_DAYS finished days, reaching back to
    the end of the newest Form 345 quarter loaded while days since then were never looked at.

    Reruns are idempotent and archived filings are not fetched again, so overlapping nights cost a few
    index requests, and a day whose index EDGAR published late is loaded on a following night.
    """
    last = (context.scheduled_execution_time - timedelta(days=1)).date()
    window = nightly_window_of(storage.published_path, last)
    start, end = window.first.isoformat(), last.isoformat()
    return dg.RunRequest(
        run_key=f"nightly-{end}",
        tags={"dagster/asset_partition_range_start": start, "dagster/asset_partition_range_end": end},
    )
