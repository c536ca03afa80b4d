"""Quarter arithmetic, the one module that does it (transforms/quarters.py), against dates worked out by hand."""

from datetime import date

import pytest

from transforms.quarters import (
    last_finished_quarter,
    next_quarter_start,
    quarter_is_over,
    quarter_label,
    quarter_of,
    quarter_start,
    quarters_between,
)


def test_labels_starts_and_the_quarter_after():
    assert [quarter_of(date(2024, month, 15)) for month in range(1, 13)] == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]
    assert quarter_label(date(2024, 9, 30)) == "2024q3" and quarter_label(date(2024, 10, 1)) == "2024q4"
    assert quarter_start("2024Q4") == date(2024, 10, 1) and quarter_start(" 2006q1 ") == date(2006, 1, 1)
    assert next_quarter_start(date(2024, 10, 1)) == date(2025, 1, 1)
    with pytest.raises(ValueError, match=r"'2024q5' is not a quarter \(e\.g\. 2024q3\)"):
        quarter_start("2024q5")


def test_the_last_finished_quarter_and_whether_a_days_quarter_is_over():
    assert last_finished_quarter(date(2025, 1, 1)) == "2024q4"
    assert last_finished_quarter(date(2024, 12, 31)) == "2024q3"
    assert quarter_is_over(date(2024, 12, 31), date(2025, 1, 1))
    assert not quarter_is_over(date(2024, 10, 1), date(2024, 12, 31))


def test_the_quarters_a_range_touches():
    assert quarters_between(date(2024, 11, 30), date(2025, 4, 1)) == [(2024, 4), (2025, 1), (2025, 2)]
    assert quarters_between(date(2025, 2, 1), date(2025, 2, 1)) == [(2025, 1)]
