"""Discovery: which Forms 3/4/5 EDGAR lists for each day of the run."""

from collections import Counter

import dagster as dg

from orchestration.partitions import daily_partitions
from orchestration.progress import progress
from orchestration.resources import EdgarResource, StorageResource
from orchestration.run_window import new_york_today, utc_now, window_days
from orchestration.sources.edgar_daily.run_outcome import unreachable_failure
from orchestration.warehouse_connection import open_warehouse
from orchestration.warehouse_load import failure, load_index_days
from transforms.discovery import IndexDay, discover_day, index_days_frame, index_entries_frame
from transforms.raw_archive import cached_fetch


def index_subject(day: IndexDay) -> str:
    """The ingest_failures subject of a day's index."""
    return f"daily-index/{day.index_date}"


def index_failure(day: IndexDay) -> dict[str, object]:
    problem = day.problem
    assert problem is not None
    return failure(index_subject(day), "index", problem.reason, problem.detail, problem.url, day.index_date)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "index_entries", description="One row per index line naming a Form 3/4/5 or /A.", kinds={"duckdb"}
        ),
        dg.AssetSpec("index_days", description="One row per day looked at, with what was found.", kinds={"duckdb"}),
    ],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="discovery",
)
def edgar_daily_index(context: dg.AssetExecutionContext, storage: StorageResource, edgar: EdgarResource):
    """Read each day's EDGAR index (the quarterly full index stands in for a lost day of a closed quarter).

    Weekends, holidays and unpublished days are recorded as such; a missing or broken index is an
    ingest failure of stage `index`, retried when the day is run again.
    """
    client = edgar.client(storage)
    full_index = cached_fetch(client.get, storage.index_cache)
    today = new_york_today()
    days = [
        discover_day(day, today, client.get, full_index)
        for day in progress(window_days(context), desc="index days", unit="day")
    ]
    failures = [index_failure(day) for day in days if day.problem is not None]
    failures += [
        failure(f"{day.index_path}#L{line.line_number}", "index_line", line.reason, line.text, None, day.index_date)
        for day in days
        for line in day.rejected_lines
    ]
    resolved = [(index_subject(day), "index") for day in days if day.problem is None]
    entries = index_entries_frame(days)
    with open_warehouse(storage.warehouse_path) as connection:
        load_index_days(connection, index_days_frame(days), entries, failures, resolved, utc_now())
    statuses = Counter(day.status for day in days)
    for day in days:
        if day.problem is not None and day.problem.reason != "host_unreachable":  # that one fails the run below
            context.log.warning(f"{day.index_date}: {day.problem.reason}: {day.problem.detail}")
    if client.unreachable is not None:
        raise unreachable_failure(client.settings.base_url, client.unreachable.detail, [d.index_date for d in days])
    yield dg.MaterializeResult(
        asset_key="index_entries",
        metadata={"dagster/row_count": entries.height, "requests_sent": client.requests_sent},
    )
    yield dg.MaterializeResult(
        asset_key="index_days",
        metadata={"days": len(days), **{f"days_{status}": count for status, count in sorted(statuses.items())}},
    )
