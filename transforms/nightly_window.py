"""Which days a nightly run covers: the last few finished days, reaching back to where the loaded history ends.

After the Form 345 data sets are loaded up to a quarter, the days since that quarter's end come only from the daily
indexes: the quarter being filed has no data set yet. So the nightly starts at the first day after the newest
loaded quarter that was never looked at, and from then on keeps to its usual few days.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from transforms.discovery import PUBLISH_GRACE_DAYS
from transforms.quarters import next_quarter_start, quarter_start


@dataclass(frozen=True)
class NightlyWindow:
    """The first and last day of a night's run, and why it starts where it does (None: the usual window)."""

    first: date
    last: date
    continues_after: str | None = None


def day_after_quarter(label: str) -> date:
    """The first day of the quarter after `label` ('2024q3' → 2024-10-01)."""
    return next_quarter_start(quarter_start(label))


def nightly_window(last: date, newest_quarter: str | None, looked_at: Collection[date]) -> NightlyWindow:
    """The days up to `last` a nightly run covers.

    The usual window is the last PUBLISH_GRACE_DAYS days (a late index is picked up on a following night). When
    the warehouse holds Form 345 quarters (`newest_quarter`) and a day between that quarter's end and the usual
    window was never looked at (`looked_at`: the days in index_days; a day recorded as missing is retried from
    ingest_failures, not here), the window starts at that day instead.
    """
    usual_first = last - timedelta(days=PUBLISH_GRACE_DAYS - 1)
    if newest_quarter is None:
        return NightlyWindow(usual_first, last)
    day = day_after_quarter(newest_quarter)
    while day < usual_first:
        if day not in looked_at:
            return NightlyWindow(day, last, continues_after=newest_quarter)
        day += timedelta(days=1)
    return NightlyWindow(usual_first, last)
