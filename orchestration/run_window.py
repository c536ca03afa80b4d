"""What a (possibly multi-day, single-run backfill) partition run covers, and the clock."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.partitions import EDGAR_TIMEZONE


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
