"""One poll of EDGAR's latest-filings feed, from the cursor the warehouse keeps, as the configuration of the run
that loads what it found (the sensor's and `insider-warehouse watch`'s)."""

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from orchestration.partitions import EDGAR_TIMEZONE
from orchestration.sources.load_jobs import WINDOW_TAG
from orchestration.sql_files import beside, query_sql_file, run_sql_file
from orchestration.warehouse_connection import connect, open_warehouse
from transforms.current_feed import PAGE_SIZE, FeedCursor, FeedPoll, FeedUnavailableError, poll_feed
from transforms.edgar_client import EdgarClient, FetchError

FEED_JOB = "load_current_filings"
FEED_ASSET = "feed_filings"
# The feed asset's counts that `watch` reports, by the labels its materialization's metadata gives them.
NEW_LOADED = "new, loaded"
NEW_NOT_LOADED = "new, not loaded"
NOT_LOADED = "not loaded (recorded)"
# A poll gives up after this share of the interval between polls, so a stalled feed never holds the next poll back;
# but never sooner than the floor: a first poll reads the whole feed, 51 pages at 10 requests a second.
POLL_DEADLINE_SHARE = 0.8
POLL_DEADLINE_FLOOR_SECONDS = 8.0
# The feed asset's configuration for a run no poll started: it loads no new filings, retries the ones earlier
# polls could not load, and finishes what a stopped run left unpublished (refresh, checks, publish, alerts).
FINISH_RUN_CONFIG: dict = {FEED_ASSET: {"config": {}}}


def poll_deadline_seconds(interval_seconds: float) -> float:
    """How long one poll may take when polls are `interval_seconds` apart."""
    return max(interval_seconds * POLL_DEADLINE_SHARE, POLL_DEADLINE_FLOOR_SECONDS)


def feed_page_path(start: int) -> str:
    """The feed's page at `start`, every form (the `type` filter is a prefix match: forms are kept by the reader)."""
    query = f"action=getcurrent&type=&company=&dateb=&owner=include&start={start}&count={PAGE_SIZE}&output=atom"
    return f"cgi-bin/browse-edgar?{query}"


def page_fetcher(client: EdgarClient, deadline: float | None = None) -> Callable[[int], bytes | None]:
    """`fetch_page(start)` through the shared client (User-Agent, rate limit, back-off), none of it past `deadline`
    (`time.monotonic()`). A page it cannot have fails the poll (FeedUnavailableError): the pages a poll reads all
    lie before start=5000, which the feed serves, so a page refused there means the feed is down, not ended."""

    def fetch_page(start: int) -> bytes | None:
        try:
            return client.get(feed_page_path(start), deadline=deadline)
        except FetchError as error:
            raise FeedUnavailableError(error.reason, f"page start={start}: {error.detail}") from None

    return fetch_page


def cursor_of(connection: duckdb.DuckDBPyConnection) -> FeedCursor:
    """Where the next poll starts, in the warehouse `connection` has open: the latest poll's cursor, else the newest
    acceptance time it holds; with neither (or no feed_polls yet), the whole feed."""
    tables = {row[0] for row in connection.sql("select table_name from duckdb_tables()").fetchall()}
    if "feed_polls" not in tables:
        return FeedCursor()
    rows = query_sql_file(connection, beside(__file__, "feed_cursor.sql")).fetchall()
    if not rows or rows[0][0] is None:
        return FeedCursor()
    return FeedCursor(rows[0][0], frozenset(rows[0][1] or ()))


def warehouse_cursor(warehouse: Path) -> FeedCursor:
    """Where the next poll from `warehouse` starts (`cursor_of`), read without writing; no warehouse: the whole
    feed."""
    if not warehouse.exists():
        return FeedCursor()
    connection = connect(warehouse, read_only=True)
    try:
        return cursor_of(connection)
    finally:
        connection.close()


def poll(client: EdgarClient, cursor: FeedCursor, deadline_seconds: float | None = None) -> tuple[FeedPoll, datetime]:
    """A poll of the feed from `cursor`, and when it was made (naive UTC, as the pipeline's own times);
    FeedUnavailableError when the feed cannot be read within `deadline_seconds`."""
    polled_at = datetime.now(UTC).replace(tzinfo=None)
    deadline = None if deadline_seconds is None else time.monotonic() + deadline_seconds
    return poll_feed(page_fetcher(client, deadline), cursor), polled_at


def record_poll_failure(warehouse: Path, polled_at: datetime, error: FeedUnavailableError) -> None:
    """Keep a poll that could not read the feed in feed_polls, with why; the cursor stays the last good poll's."""
    with open_warehouse(warehouse) as connection:
        run_sql_file(
            connection, beside(__file__, "record_feed_poll_failure.sql"), polled_at=polled_at, failure=str(error)
        )


_NEW_YORK = ZoneInfo(EDGAR_TIMEZONE)


def in_utc(new_york: datetime) -> datetime:
    """EDGAR's New York wall-clock time as the naive UTC the pipeline writes its own times in."""
    return new_york.replace(tzinfo=_NEW_YORK).astimezone(UTC).replace(tzinfo=None)


FILINGS_TAG = "insider/filings"
FIRST_FILING_TAG = "insider/first"


def run_tags(found: FeedPoll) -> dict[str, str]:
    """The run's tags, shown in the UI's run list and by `insider-warehouse runs`: how many filings, the first."""
    accessions = [filing.accession_number for filing in found.filings]
    return {
        FILINGS_TAG: str(len(accessions)),
        FIRST_FILING_TAG: accessions[0] if accessions else "",
        WINDOW_TAG: f"{len(accessions)} filing(s) from the feed",
    }


# The tags of a run no poll started: it finishes what a stopped run left, and retries earlier feed filings.
FINISH_RUN_TAGS = {FILINGS_TAG: "0", WINDOW_TAG: "finishing a stopped run, retrying earlier filings"}


def run_config(found: FeedPoll, polled_at: datetime) -> dict:
    """The feed asset's configuration for the run that loads a poll's filings (each with the CIK its path takes)."""
    filings = [
        {
            "accession_number": filing.accession_number,
            "cik": filing.cik_of("Issuer") or filing.parties[0].cik,
            "accepted_at": filing.accepted_at.isoformat(),
            "accepted_at_utc": filing.accepted_at.replace(tzinfo=_NEW_YORK)
            .astimezone(UTC)
            .replace(tzinfo=None)
            .isoformat(),
        }
        for filing in found.filings
    ]
    cursor = found.cursor
    return {
        "filings": filings,
        "polled_at": polled_at.isoformat(),
        "cursor_accepted_at": cursor.accepted_at.isoformat() if cursor.accepted_at else None,
        "cursor_accessions": sorted(cursor.accessions),
        "gap_since": found.gap_since.isoformat() if found.gap_since else None,
    }
