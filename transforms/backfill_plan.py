"""A long index backfill planned before it starts: what it will fetch, how long that takes at the rate limit, and
the runs it is cut into so that a stopped backfill resumes at the first run not done.

The years before the Form 345 data sets (2003-06-30 to 2005-12-31) come only from EDGAR's indexes, one request per
filing: hours of requests at 10 a second, so the user is told how many before, and shown an ETA during.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from transforms.edgar_calendar import closure_reason
from transforms.index_files import IndexEntry

# The years the SEC's Form 345 data sets do not cover: XML ownership filings began on 2003-06-30.
PRE_DATA_SET_FIRST_DAY = date(2003, 6, 30)
PRE_DATA_SET_LAST_DAY = date(2005, 12, 31)
# Days per Dagster run: each run commits its days, so a backfill stopped midway loses at most one run's loading.
DEFAULT_DAYS_PER_RUN = 31


@dataclass(frozen=True)
class BackfillEstimate:
    """What a backfill of [first, last] will do, from the quarterly full indexes, before it starts."""

    first: date
    last: date
    business_days: int
    listed: int  # distinct ownership filings the indexes list on those days
    already_fetched: int  # of them, in the raw archive: no request
    requests_per_second: float
    quarters_without_index: tuple[str, ...] = ()

    @property
    def requests(self) -> int:
        """One daily index per business day, one submission per filing not yet fetched."""
        return self.business_days + self.listed - self.already_fetched

    @property
    def seconds(self) -> float:
        return self.requests / self.requests_per_second

    def describe(self) -> str:
        text = (
            f"{self.first} to {self.last}: {_counted(self.listed, 'ownership filing')} listed on "
            f"{_counted(self.business_days, 'business day')} ({self.already_fetched:,} already fetched); "
            f"{_counted(self.requests, 'request')} at {self.requests_per_second:g}/s take about "
            f"{duration(self.seconds)}"
        )
        if self.quarters_without_index:
            text += f" (no full index found for {', '.join(self.quarters_without_index)}: their filings not counted)"
        return text


def _counted(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def duration(seconds: float) -> str:
    """'3 h 05 min', '12 min', '40 s': the precision a person plans by."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def business_days(first: date, last: date) -> list[date]:
    """The days EDGAR is open in [first, last]: no weekend, federal holiday or special closure."""
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return [day for day in days if closure_reason(day) is None]


def estimate(
    first: date,
    last: date,
    entries: Iterable[IndexEntry],
    fetched: Callable[[str], bool],
    requests_per_second: float,
    quarters_without_index: tuple[str, ...] = (),
) -> BackfillEstimate:
    """The estimate from the full indexes' `entries`; `fetched(accession)` says whether the raw archive holds it."""
    listed = {entry.accession_number for entry in entries if first <= entry.date_filed <= last}
    return BackfillEstimate(
        first=first,
        last=last,
        business_days=len(business_days(first, last)),
        listed=len(listed),
        already_fetched=sum(1 for accession in listed if fetched(accession)),
        requests_per_second=requests_per_second,
        quarters_without_index=quarters_without_index,
    )


def backfill_runs(
    first: date, last: date, looked_at: Collection[date], days_per_run: int = DEFAULT_DAYS_PER_RUN
) -> list[tuple[date, date]]:
    """[first, last] cut into runs of `days_per_run` days, without the runs whose every day a run already looked
    at (`looked_at`: index_days): a backfill started again resumes at the first run not done."""
    runs = []
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=days_per_run - 1))
        days = (start + timedelta(days=offset) for offset in range((end - start).days + 1))
        if not all(day in looked_at for day in days):
            runs.append((start, end))
        start = end + timedelta(days=1)
    return runs
