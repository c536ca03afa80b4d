"""The nightly's job and schedule: ingest the last few EDGAR days in one run, so a late index is picked up next
night."""

from datetime import timedelta

import dagster as dg

from orchestration.history_load import F345_ASSET, F345_OUTCOME_ASSET
from orchestration.partitions import EDGAR_TIMEZONE
from orchestration.resources import StorageResource
from orchestration.run_window import nightly_window_of

ingest_job = dg.define_asset_job(
    "ingest_edgar_days",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(F345_ASSET, F345_OUTCOME_ASSET),
    description="Discover, fetch, parse and load the EDGAR ownership filings of a range of days.",
    # One process for the run's steps, as the CLI runs them: DuckDB lets one process write, so steps in processes
    # of their own would only queue for the lock, and each would open the warehouse with cold buffers.
    executor_def=dg.in_process_executor,
)


@dg.schedule(job=ingest_job, cron_schedule="0 6 * * *", execution_timezone=EDGAR_TIMEZONE)
def nightly_ingest(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """At 06:00 New York, one single-run backfill over the last PUBLISH_GRACE_DAYS finished days, reaching back to
    the end of the newest Form 345 quarter loaded while days since then were never looked at.

    Reruns are idempotent and archived filings are not fetched again, so overlapping nights cost a few
    index requests, and a day whose index EDGAR published late is loaded on a following night.
    """
    last = (context.scheduled_execution_time - timedelta(days=1)).date()
    window = nightly_window_of(StorageResource().published_path, last)
    start, end = window.first.isoformat(), last.isoformat()
    return dg.RunRequest(
        run_key=f"nightly-{end}",
        tags={"dagster/asset_partition_range_start": start, "dagster/asset_partition_range_end": end},
    )
