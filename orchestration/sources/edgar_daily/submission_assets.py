"""Fetch: the full submission of every listed filing, kept by accession in the raw archive."""

from collections import Counter
from datetime import date, timedelta

import dagster as dg
import duckdb

from orchestration.fetch_pool import fetch_with_processes
from orchestration.partitions import daily_partitions
from orchestration.progress import progress
from orchestration.resources import EdgarResource, StorageResource
from orchestration.retry_policy import MAX_ATTEMPTS, MAX_RETRIES_PER_RUN
from orchestration.run_window import utc_now, window_days
from orchestration.sources.edgar_daily.run_outcome import unreachable_failure
from orchestration.sql_files import beside, query_sql_file
from orchestration.warehouse_connection import open_warehouse
from orchestration.warehouse_load import failure, record_outcomes
from transforms.fetch_submissions import SubmissionTarget


def filings_for_run(connection: duckdb.DuckDBPyConnection, days: list[date]) -> tuple[list[SubmissionTarget], int]:
    """The window's listed filings plus earlier filings still worth retrying; returns (targets, retry count)."""
    window = {"first_day": days[0], "end_day": days[-1] + timedelta(days=1)}
    listed = query_sql_file(connection, beside(__file__, "listed_filings.sql"), **window).fetchall()
    retries = query_sql_file(
        connection,
        beside(__file__, "filings_to_retry.sql"),
        first_day=days[0],
        max_attempts=MAX_ATTEMPTS,
        max_filings=MAX_RETRIES_PER_RUN,
    ).fetchall()
    targets = [SubmissionTarget(*row) for row in [*listed, *retries]]
    return targets, len(retries)


@dg.asset(
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=["index_entries"],
    group_name="fetch",
    kinds={"python"},
)
def raw_submissions(
    context: dg.AssetExecutionContext, storage: StorageResource, edgar: EdgarResource
) -> dg.MaterializeResult:
    """Fetch each listed filing's complete submission `.txt` once; the archive makes reruns free of network.

    A filing that cannot be fetched (404, retries exhausted, cut short) is an ingest failure of stage
    `fetch`; later runs retry it up to MAX_ATTEMPTS times. It never fails the run.
    """
    days = window_days(context)
    with open_warehouse(storage.warehouse_path) as connection:
        targets, retry_count = filings_for_run(connection, days)
    archive = storage.raw_archive
    missing = [target for target in targets if not archive.has(target.accession_number)]
    client = edgar.client(storage)
    with progress(total=len(missing), desc="fetch submissions", unit="filing") as bar:
        fetched, failed, requests_sent = fetch_with_processes(
            client, archive, missing, edgar.resolved_fetch_processes(), edgar.fetch_workers, bar.update
        )
    filed_on = {target.accession_number: target.date_filed for target in targets}
    failures = [
        failure(f.accession_number, "fetch", f.reason, f.detail, f.url, filed_on[f.accession_number]) for f in failed
    ]
    with open_warehouse(storage.warehouse_path) as connection:
        record_outcomes(connection, failures, [(accession, "fetch") for accession in fetched], utc_now())
    reasons = Counter(f.reason for f in failed)
    if failed:
        context.log.warning(f"{len(failed)} submissions not fetched: {dict(reasons)}")
    unreachable = [f for f in failed if f.reason == "host_unreachable"]
    if unreachable:
        raise unreachable_failure(client.settings.base_url, unreachable[0].detail, days, len(unreachable))
    return dg.MaterializeResult(
        metadata={
            "listed": len(targets) - retry_count,
            "retried_from_earlier_days": retry_count,
            "already_archived": len(targets) - len(missing),
            "fetched": len(fetched),
            "fetch_failures": len(failed),
            **{f"failures_{reason}": count for reason, count in sorted(reasons.items())},
            "requests_sent": requests_sent,
        }
    )
