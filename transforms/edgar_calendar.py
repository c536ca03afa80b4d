"""EDGAR business days: EDGAR closes on weekends and on every federal holiday, even when markets trade.

Holidays follow 5 U.S.C. 6103 with the observance rule of Executive Order 11582 (a Saturday holiday is
observed on the Friday before, a Sunday holiday on the Monday after), plus one-off closures such as
national days of mourning.
"""

from datetime import date, timedelta
from functools import cache

# One-off closures of federal offices that EDGAR observed (national days of mourning).
SPECIAL_CLOSURES: dict[date, str] = {
    date(2004, 6, 11): "National Day of Mourning (Ronald Reagan)",
    date(2007, 1, 2): "National Day of Mourning (Gerald Ford)",
    date(2018, 12, 5): "National Day of Mourning (George H. W. Bush)",
    date(2025, 1, 9): "National Day of Mourning (Jimmy Carter)",
}


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday (Monday=0) of a month; n=-1 is the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last = next_month - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


@cache
def federal_holidays(year: int) -> dict[date, str]:
    """Observed federal holidays falling in `year` (New Year's Day of `year + 1` may fall on Dec 31)."""
    fixed = {
        "New Year's Day": (1, 1),
        "Independence Day": (7, 4),
        "Veterans Day": (11, 11),
        "Christmas Day": (12, 25),
    }
    if year >= 2021:
        fixed["Juneteenth National Independence Day"] = (6, 19)
    holidays = {_observed(date(year, month, day)): name for name, (month, day) in fixed.items()}
    next_new_year = _observed(date(year + 1, 1, 1))
    if next_new_year.year == year:
        holidays[next_new_year] = "New Year's Day (observed)"
    holidays = {day: name for day, name in holidays.items() if day.year == year}
    if year >= 1986:
        holidays[_nth_weekday(year, 1, 0, 3)] = "Birthday of Martin Luther King, Jr."
    holidays[_nth_weekday(year, 2, 0, 3)] = "Washington's Birthday"
    holidays[_nth_weekday(year, 5, 0, -1)] = "Memorial Day"
    holidays[_nth_weekday(year, 9, 0, 1)] = "Labor Day"
    holidays[_nth_weekday(year, 10, 0, 2)] = "Columbus Day"
    holidays[_nth_weekday(year, 11, 3, 4)] = "Thanksgiving Day"
    return holidays


def closure_reason(day: date) -> str | None:
    """Why EDGAR is closed on `day`, or None when it is a business day."""
    if day.weekday() >= 5:
        return "weekend"
    return federal_holidays(day.year).get(day) or SPECIAL_CLOSURES.get(day)


def is_business_day(day: date) -> bool:
    """True when EDGAR accepts and disseminates filings on `day`."""
    return closure_reason(day) is None


def calendar_rows(first: date, last: date) -> list[dict[str, object]]:
    """One row per day in [first, last]: business day or the reason EDGAR is closed, and a running count of
    business days (so the lag between two days in EDGAR business days is a subtraction)."""
    rows: list[dict[str, object]] = []
    count = 0
    day = first
    while day <= last:
        reason = closure_reason(day)
        count += reason is None
        rows.append(
            {"day": day, "is_business_day": reason is None, "closure_reason": reason, "business_day_number": count}
        )
        day += timedelta(days=1)
    return rows
