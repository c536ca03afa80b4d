"""The filings a poll of the latest-filings feed found, fetched and loaded through the nightly's own path, with the
poll's cursor and each filing's latency, so the read copy holds a Form 4 minutes after EDGAR accepted it."""

from datetime import datetime

import dagster as dg
import polars as pl
from pydantic import Field

from orchestration.fetch_and_parse import fetch_and_parse
from orchestration.resources import EdgarResource, StorageResource
from orchestration.retry_policy import MAX_ATTEMPTS
from orchestration.run_window import utc_now
from orchestration.sources.current_feed.poll import FEED_ASSET, NEW_LOADED, NEW_NOT_LOADED, NOT_LOADED
from orchestration.sql_files import beside, query_sql_file, run_sql_file
from orchestration.warehouse_connection import open_warehouse, registered, transaction
from orchestration.warehouse_load import load_filings
from transforms.edgar_urls import index_file_name
from transforms.fetch_submissions import SubmissionTarget

POLLED_SCHEMA = pl.Schema(
    {
        "accession_number": pl.String,
        "accepted_at": pl.Datetime("us"),
        "accepted_at_utc": pl.Datetime("us"),
        "first_seen_at": pl.Datetime("us"),
        "loaded": pl.Boolean,
        "folder_cik": pl.Int64,
    }
)


class FeedFilingConfig(dg.Config):
    accession_number: str
    cik: int  # the CIK its EDGAR path is under (the issuer's)
    accepted_at: str  # New York wall clock, ISO 8601
    accepted_at_utc: str


class FeedRunConfig(dg.Config):
    """A poll's new ownership filings and the cursor after it (orchestration/sources/current_feed/poll.py)."""

    filings: list[FeedFilingConfig] = Field(default_factory=list)
    polled_at: str = ""
    cursor_accepted_at: str | None = None
    cursor_accessions: list[str] = Field(default_factory=list)
    gap_since: str | None = None


@dg.asset(name=FEED_ASSET, group_name="current_feed", kinds={"duckdb"})
def feed_filings(
    context: dg.AssetExecutionContext, config: FeedRunConfig, storage: StorageResource, edgar: EdgarResource
) -> dg.MaterializeResult:
    """Fetch, parse and load the poll's filings that the warehouse does not hold from their own submission yet (a
    filing of an earlier poll, or one the nightly loaded, is not fetched twice), then record the poll: each filing's
    latency and the cursor the next poll starts from. A run killed before that record leaves the cursor where it was,
    so the next poll finds the same filings and loads only those still missing. The filings earlier runs listed but
    could not load (EDGAR's Archives did not serve them yet) are fetched again with this run's."""
    polled_at = datetime.fromisoformat(config.polled_at) if config.polled_at else None
    first_seen_at = polled_at or utc_now()
    listed = [
        (
            f.accession_number,
            f.cik,
            datetime.fromisoformat(f.accepted_at),
            datetime.fromisoformat(f.accepted_at_utc),
            first_seen_at,
        )
        for f in config.filings
    ]
    accessions = pl.DataFrame({"accession_number": [row[0] for row in listed]}, schema={"accession_number": pl.String})
    with open_warehouse(storage.warehouse_path) as connection:
        run_sql_file(connection, "load/start_load_scope.sql")
        with registered(connection, {"batch_accessions": accessions}):
            held = {
                row[0] for row in query_sql_file(connection, beside(__file__, "loaded_from_submission.sql")).fetchall()
            }
        retries = query_sql_file(
            connection, beside(__file__, "feed_filings_to_retry.sql"), max_attempts=MAX_ATTEMPTS
        ).fetchall()
    listed += [row for row in retries if row[0] not in {accession for accession, *_ in listed}]
    targets = [
        SubmissionTarget(accession, index_file_name(accession, cik), accepted_at.date())
        for accession, cik, accepted_at, _, _ in listed
        if accession not in held
    ]
    batch = fetch_and_parse(edgar.client(storage), storage.raw_archive, targets)
    loaded = set(batch.accessions)
    polled = pl.DataFrame(
        [
            (accession, accepted_at, accepted_utc, first_seen_at, accession in loaded, cik)
            for accession, cik, accepted_at, accepted_utc, first_seen_at in listed
        ],
        schema=POLLED_SCHEMA,
        orient="row",
    )
    now = utc_now()
    with open_warehouse(storage.warehouse_path) as connection:
        load_filings(connection, batch.accessions, batch.frames, batch.failures, batch.resolved, now)
        with registered(connection, {"batch_feed_filings": polled}), transaction(connection):
            run_sql_file(
                connection,
                beside(__file__, "record_feed_poll.sql"),
                polled_at=polled_at,
                cursor_accepted_at=datetime.fromisoformat(config.cursor_accepted_at)
                if config.cursor_accepted_at
                else None,
                cursor_accessions=config.cursor_accessions,
                gap_since=datetime.fromisoformat(config.gap_since) if config.gap_since else None,
                now=now,
            )
    if config.gap_since:
        context.log.warning(
            f"the feed no longer reaches back to {config.gap_since} (it holds about a day): the filings accepted "
            "since then that it no longer lists come from the nightly's daily index"
        )
    failed = len(targets) - len(loaded)
    if failed:
        context.log.warning(f"{failed} of the feed's filings could not be loaded yet: recorded in ingest_failures")
    new = {filing.accession_number for filing in config.filings}
    return dg.MaterializeResult(
        metadata={
            "filings in the poll": len(config.filings),
            "fetched again (listed before, not loaded)": len(retries),
            "already loaded": len(held),
            "loaded": len(loaded),
            NOT_LOADED: failed,
            NEW_LOADED: len(new & loaded),
            NEW_NOT_LOADED: len(new - loaded - held),
            "accessions": dg.MetadataValue.json(sorted(loaded)),
            "gap since": config.gap_since or "",
        }
    )
