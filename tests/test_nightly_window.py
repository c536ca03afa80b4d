"""Which days a nightly covers: its usual few, or from the end of the newest Form 345 quarter loaded."""

from datetime import date, timedelta

import pytest

from transforms.discovery import PUBLISH_GRACE_DAYS
from transforms.nightly_window import day_after_quarter, nightly_window


@pytest.mark.parametrize(
    ("label", "expected"),
    [("2024q1", date(2024, 4, 1)), ("2024q3", date(2024, 10, 1)), ("2024q4", date(2025, 1, 1))],
)
def test_the_day_after_a_quarter(label: str, expected: date):
    assert day_after_quarter(label) == expected


def test_without_a_loaded_quarter_the_night_covers_its_usual_days():
    window = nightly_window(date(2025, 1, 12), None, ())
    assert (window.first, window.last, window.continues_after) == (date(2025, 1, 10), date(2025, 1, 12), None)
    assert (window.last - window.first).days == PUBLISH_GRACE_DAYS - 1


def test_after_a_loaded_quarter_the_night_starts_at_the_first_day_never_looked_at():
    last = date(2024, 11, 20)
    assert nightly_window(last, "2024q3", ()).first == date(2024, 10, 1)
    looked_at = {date(2024, 10, 1) + timedelta(days=offset) for offset in range(10)}  # 2024-10-01 to 10-10
    window = nightly_window(last, "2024q3", looked_at)
    assert (window.first, window.continues_after) == (date(2024, 10, 11), "2024q3")


def test_once_every_day_since_the_quarter_was_looked_at_the_usual_days_return():
    last = date(2024, 11, 20)
    looked_at = {date(2024, 10, 1) + timedelta(days=offset) for offset in range((last - date(2024, 10, 1)).days)}
    window = nightly_window(last, "2024q3", looked_at)
    assert (window.first, window.continues_after) == (last - timedelta(days=PUBLISH_GRACE_DAYS - 1), None)


def test_a_quarter_ending_inside_the_usual_days_changes_nothing():
    window = nightly_window(date(2024, 10, 2), "2024q3", ())
    assert (window.first, window.continues_after) == (date(2024, 9, 30), None)
