"""Which ownership filings EDGAR lists for one day: daily index first, quarterly full index as fallback.

Weekends, EDGAR holidays and days whose index is not yet published are normal outcomes, not errors.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from transforms.accession import InvalidAccessionError
from transforms.edgar_calendar import closure_reason
from transforms.edgar_client import FetchError, NotFoundError
from transforms.edgar_urls import daily_index_path, full_index_path
from transforms.index_files import IndexEntry, IndexFormatError, RejectedLine, parse_index_lines
from transforms.quarters import quarter_is_over, quarter_of
from transforms.tables import INDEX_DAYS, INDEX_ENTRIES

# EDGAR publishes a day's index that evening; until a few days have passed, absence means "not yet".
PUBLISH_GRACE_DAYS = 3
# master is the documented machine-readable form; form and company carry the same lines in fixed width.
DAILY_INDEX_PREFERENCE = ("master", "form", "company")

Fetch = Callable[[str], bytes]


@dataclass(frozen=True)
class IndexProblem:
    """Why a day's index could not be read."""

    reason: str
    detail: str
    url: str | None


@dataclass(frozen=True)
class IndexDay:
    """The outcome of looking for one day's index."""

    index_date: date
    status: str  # loaded | closed | not_published | missing
    index_path: str | None = None
    entries: list[IndexEntry] = field(default_factory=list)
    closure_reason: str | None = None
    problem: IndexProblem | None = None
    rejected_lines: list[RejectedLine] = field(default_factory=list)


def discover_day(day: date, today: date, fetch: Fetch, fetch_full_index: Fetch | None = None) -> IndexDay:
    """Find the ownership entries EDGAR lists for `day`; `today` is the New York date of the run."""
    reason = closure_reason(day)
    if reason is not None:
        return IndexDay(day, "closed", closure_reason=reason)
    if day >= today:
        return IndexDay(day, "not_published", closure_reason="the day has not ended in New York")
    try:
        found = _first_daily_index(day, fetch)
        if found is None and fetch_full_index is not None and quarter_is_over(day, today):
            found = _from_full_index(day, fetch_full_index)
    except FetchError as error:
        return IndexDay(day, "missing", problem=IndexProblem(error.reason, error.detail, error.url))
    except (IndexFormatError, InvalidAccessionError) as error:
        return IndexDay(day, "missing", problem=IndexProblem("index_malformed", str(error), None))
    if found is None:
        if today - day <= timedelta(days=PUBLISH_GRACE_DAYS):
            return IndexDay(day, "not_published", closure_reason="EDGAR has not published this day's index yet")
        detail = f"no daily index for business day {day} (tried {', '.join(DAILY_INDEX_PREFERENCE)})"
        return IndexDay(day, "missing", problem=IndexProblem("index_missing", detail, None))
    path, entries, rejected = found
    return IndexDay(day, "loaded", index_path=path, entries=entries, rejected_lines=rejected)


Found = tuple[str, list[IndexEntry], list[RejectedLine]]


def _first_daily_index(day: date, fetch: Fetch) -> Found | None:
    for kind in DAILY_INDEX_PREFERENCE:
        path = daily_index_path(kind, day)
        try:
            raw = fetch(path)
        except NotFoundError:
            continue
        return (path, *parse_index_lines(raw.decode("latin-1")))
    return None


def _from_full_index(day: date, fetch_full_index: Fetch) -> Found | None:
    path = full_index_path("master", day.year, quarter_of(day))
    try:
        raw = fetch_full_index(path)
    except NotFoundError:
        return None
    entries, rejected = parse_index_lines(raw.decode("latin-1"))
    on_day = [entry for entry in entries if entry.date_filed == day]
    return (path, on_day, rejected) if on_day else None


def index_entries_frame(days: list[IndexDay]) -> pl.DataFrame:
    """The entries of every loaded day as one typed `index_entries` frame."""
    rows = [
        {
            "accession_number": entry.accession_number,
            "form_type": entry.form_type,
            "date_filed": entry.date_filed,
            "cik": entry.cik,
            "company_name": entry.company_name,
            "file_name": entry.file_name,
            "filer_ciks": list(entry.filer_ciks),
            "index_path": day.index_path,
            "index_line": entry.line_number,
        }
        for day in days
        for entry in day.entries
    ]
    return pl.DataFrame(rows, schema=INDEX_ENTRIES, strict=True)


def index_days_frame(days: list[IndexDay]) -> pl.DataFrame:
    """One row per day looked at, for the `index_days` table."""
    rows = [
        {
            "index_date": day.index_date,
            "status": day.status,
            "index_path": day.index_path,
            "entry_count": len(day.entries),
            "closure_reason": day.closure_reason,
        }
        for day in days
    ]
    return pl.DataFrame(rows, schema=INDEX_DAYS, strict=True)
