"""The run's verdict: the last step of an ingest run says whether every day of its window could be read."""

import dagster as dg

from orchestration.partitions import daily_partitions
from orchestration.resources import StorageResource
from orchestration.run_window import window_days
from orchestration.sources.edgar_daily.run_outcome import unreadable_days_failure
from orchestration.sources.load_jobs import OUTCOME_TAGS
from orchestration.sql_files import beside, query_sql_file
from orchestration.warehouse_connection import open_warehouse


@dg.asset(
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=["published_warehouse", "index_days"],
    group_name="model",
    kinds={"duckdb"},
    tags=OUTCOME_TAGS,
)
def ingest_outcome(context: dg.AssetExecutionContext, storage: StorageResource) -> dg.MaterializeResult:
    """Fails the run, after everything readable was loaded and published, when a business day of the window had
    no readable index (run_outcome.py beside this states the rule); otherwise records the window as complete."""
    days = window_days(context)
    with open_warehouse(storage.warehouse_path) as connection:
        unreadable = query_sql_file(
            connection, beside(__file__, "unreadable_days.sql"), first_day=days[0], last_day=days[-1]
        ).fetchall()
    if unreadable:
        raise unreadable_days_failure(unreadable)
    return dg.MaterializeResult(metadata={"days": len(days), "first_day": str(days[0]), "last_day": str(days[-1])})
