"""What a (possibly multi-day, single-run backfill) partition run covers, and the clock."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb

from orchestration.partitions import EDGAR_TIMEZONE
from orchestration.sql_files import beside, query_read_copy
from transforms.nightly_window import NightlyWindow, nightly_window


def window_days(context: dg.AssetExecutionContext) -> list[date]:
    """Every New York day in the run's partition window (one for a nightly run, many for a backfill)."""
    window = context.partition_time_window
    first, end = window.start.date(), window.end.date()
    return [first + timedelta(days=offset) for offset in range((end - first).days)]


def new_york_today() -> date:
    return datetime.now(ZoneInfo(EDGAR_TIMEZONE)).date()


def utc_now() -> datetime:
    """Naive UTC, the convention of every TIMESTAMP the pipeline itself writes (EDGAR's own stay New York)."""
    return datetime.now(UTC).replace(tzinfo=None)


def nightly_window_of(published_path: Path, last: date) -> NightlyWindow:
    """The nightly's days up to `last`, continuing after the newest Form 345 quarter of the read copy (the last
    successful run's warehouse, readable while a run writes the private one). Without a read copy, or one that
    cannot be read, the usual few days: the run itself then says what is wrong with the warehouse."""
    try:
        rows = query_read_copy(published_path, beside(__file__, "nightly_continuation.sql"))
    except duckdb.Error:
        rows = None
    if rows is None:
        return nightly_window(last, None, ())
    [(quarter, looked_at)] = rows
    return nightly_window(last, quarter, set(looked_at or ()))
