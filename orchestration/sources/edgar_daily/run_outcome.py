"""When a run has failed, and the one paragraph that says so.

The rule (README, "Operations"): a run fails when EDGAR could not be reached at all (connection attempts failing in
a row: refused, no DNS, connect timeout), or when a business day of its window has no readable index (an HTTP
error, a malformed index, or no index a few days after the day). It does not fail for one filing that cannot be
fetched or parsed: that is recorded in `ingest_failures` and retried by the next run, as are the days above.
"""

from collections.abc import Sequence
from datetime import date

import dagster as dg

from transforms.discovery import IndexDay


def _span(days: Sequence[date]) -> str:
    first, last = min(days), max(days)
    return f"--start {first} --end {last}"


def unreachable_failure(base_url: str, detail: str, days: Sequence[date], unfetched: int = 0) -> dg.Failure:
    """EDGAR (or the mirror) answered no connection: stop now rather than retry every file for minutes."""
    waiting = f"{unfetched} filings were not fetched; " if unfetched else ""
    return dg.Failure(
        description=(
            f"EDGAR could not be reached at {base_url}: {detail}. {waiting}Check EDGAR_BASE_URL, the network, DNS "
            "and any proxy (HTTPS_PROXY). Nothing was lost: what was not read is recorded in ingest_failures and "
            f"retried by the next run over these days (insider-warehouse ingest {_span(days)})."
        ),
        allow_retries=False,
    )


def unreadable_days(days: Sequence[IndexDay]) -> list[IndexDay]:
    """The days of a run whose index could not be read (status `missing`), which fail the run."""
    return [day for day in days if day.status == "missing"]


def unreadable_days_failure(days: Sequence[tuple[date, str, str]]) -> dg.Failure:
    """One paragraph for the (day, reason, detail) of each unreadable day."""
    listed = "; ".join(f"{day} ({reason}: {detail})" for day, reason, detail in days[:5])
    more = f"; and {len(days) - 5} more" if len(days) > 5 else ""
    return dg.Failure(
        description=(
            f"{len(days)} business day(s) had no readable EDGAR index: {listed}{more}. Every other day was loaded "
            "and published. The days are recorded in index_days and ingest_failures; once the cause is fixed "
            f"(an HTTP 403 means SEC refused the User-Agent or the rate), rerun them: "
            f"insider-warehouse ingest {_span([day for day, _, _ in days])}."
        ),
        allow_retries=False,
    )
