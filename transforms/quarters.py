"""Calendar quarters, the one place they are computed: EDGAR's indexes are filed by quarter (QTR1…QTR4) and the
Form 345 data sets come one per quarter, labelled `2024q3`."""

import re
from datetime import date, timedelta

_LABEL = re.compile(r"(\d{4})q([1-4])")


def quarter_of(day: date) -> int:
    """1 to 4: the quarter of the year `day` falls in."""
    return (day.month - 1) // 3 + 1


def quarter_label(first_day: date) -> str:
    """'2024q3' for the quarter holding `first_day` (its first day, or any)."""
    return f"{first_day.year}q{quarter_of(first_day)}"


def quarter_start(label: str) -> date:
    """The first day of the quarter `label` ('2024q3' or '2024Q3' → 2024-07-01); ValueError for anything else."""
    match = _LABEL.fullmatch(label.strip().lower())
    if match is None:
        raise ValueError(f"{label!r} is not a quarter (e.g. 2024q3)")
    return date(int(match[1]), 3 * int(match[2]) - 2, 1)


def next_quarter_start(first_day: date) -> date:
    """The first day of the quarter after the one starting on `first_day` (2024-07-01 → 2024-10-01)."""
    months = first_day.year * 12 + first_day.month - 1 + 3
    return date(months // 12, months % 12 + 1, 1)


def last_finished_quarter(today: date) -> str:
    """The label of the last quarter that has ended by `today` (2024-08-15 → '2024q2')."""
    return quarter_label(quarter_start(quarter_label(today)) - timedelta(days=1))


def quarter_is_over(day: date, today: date) -> bool:
    """`day`'s quarter has ended by `today`."""
    return (today.year, quarter_of(today)) > (day.year, quarter_of(day))


def quarters_between(first: date, last: date) -> list[tuple[int, int]]:
    """(year, quarter) of every quarter that [first, last] touches, in order."""
    quarters, start = [], quarter_start(quarter_label(first))
    while start <= last:
        quarters.append((start.year, quarter_of(start)))
        start = next_quarter_start(start)
    return quarters
