"""`insider-warehouse backfill`: a long range of days from EDGAR's indexes, estimated first, then run a month at a
time with progress and an ETA, resuming at the first month not done (transforms/backfill_plan.py)."""

from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

from orchestration.progress import progress
from orchestration.resources import EdgarResource, StorageResource
from orchestration.sql_files import beside, query_read_copy
from transforms.backfill_plan import BackfillEstimate, backfill_runs, estimate
from transforms.edgar_client import NotFoundError
from transforms.edgar_urls import full_index_path
from transforms.index_files import IndexEntry, parse_index_lines
from transforms.quarters import quarters_between
from transforms.raw_archive import cached_fetch


def listed_entries(
    storage: StorageResource, edgar: EdgarResource, first: date, last: date
) -> tuple[list[IndexEntry], tuple[str, ...]]:
    """The ownership entries of the quarterly full indexes of [first, last] (one request a quarter, kept under
    data/raw/index for the run), and the quarters EDGAR has no full index for."""
    full_index = cached_fetch(edgar.client(storage).get, storage.index_cache)
    entries, missing = [], []
    for year, quarter in progress(quarters_between(first, last), desc="full indexes", unit="quarter", leave=False):
        try:
            raw = full_index(full_index_path("master", year, quarter))
        except NotFoundError:
            missing.append(f"{year}q{quarter}")
            continue
        entries += [entry for entry in parse_index_lines(raw.decode("latin-1"))[0] if first <= entry.date_filed <= last]
    return entries, tuple(missing)


def estimate_backfill(
    storage: StorageResource, edgar: EdgarResource, first: date, last: date
) -> tuple[BackfillEstimate, Counter[date]]:
    """The estimate of [first, last], and the filings listed on each day (the progress bar's measure)."""
    entries, missing = listed_entries(storage, edgar, first, last)
    planned = estimate(first, last, entries, storage.raw_archive.has, edgar.resolved_rate(), missing)
    per_day = Counter(entry.date_filed for entry in {entry.accession_number: entry for entry in entries}.values())
    return planned, per_day


def backfilled_days(published_path: Path, first: date, last: date) -> set[date]:
    """The days of [first, last] the read copy says a run has read; none without a read copy."""
    rows = query_read_copy(published_path, beside(__file__, "backfilled_days.sql"), first=first, last=last)
    return {day for (day,) in rows or ()}


def run_backfill(
    storage: StorageResource,
    first: date,
    last: date,
    days_per_run: int,
    per_day: Counter[date],
    ingest: Callable[[date, date], None],
) -> int:
    """Ingest [first, last] in runs of `days_per_run` days, skipping runs already done; returns the runs made.

    The bar counts the filings the indexes list, so its ETA is the fetching's, which is what takes the time.
    """
    runs = backfill_runs(first, last, backfilled_days(storage.published_path, first, last), days_per_run)
    listed = [sum(count for day, count in per_day.items() if start <= day <= end) for start, end in runs]
    total = sum(per_day.values())
    with progress(total=total, initial=total - sum(listed), desc="backfill", unit="filing", smoothing=0.1) as bar:
        for (start, end), filings in zip(runs, listed, strict=True):
            bar.set_postfix_str(f"{start} to {end}")
            ingest(start, end)
            bar.update(filings)
    return len(runs)
