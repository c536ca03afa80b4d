"""The bench's grown warehouse: what each copy of the parsed filings names and when it is dated."""

from datetime import date, datetime

import polars as pl

from bench.run import past_copy

FRAME = pl.DataFrame(
    {
        "accession_number": ["0000000001-24-000001"],
        "issuer_cik": [320193],
        "owner_cik": [1214156],
        "filing_date": [date(2024, 3, 26)],
        "acceptance_datetime": [datetime(2024, 3, 26, 16, 5)],
        "shares": ["100"],
    }
)


def test_without_history_every_copy_names_people_of_its_own_on_the_same_dates():
    first, second = past_copy(FRAME, 0, 0), past_copy(FRAME, 1, 0)
    assert first["accession_number"].item() != second["accession_number"].item()
    assert len({FRAME["issuer_cik"].item(), first["issuer_cik"].item(), second["issuer_cik"].item()}) == 3
    assert len({FRAME["owner_cik"].item(), first["owner_cik"].item(), second["owner_cik"].item()}) == 3
    assert first["filing_date"].item() == second["filing_date"].item() == date(2024, 3, 26)


def test_with_history_the_same_people_file_in_earlier_quarters_on_the_same_weekday():
    copies = [past_copy(FRAME, n, 4) for n in range(6)]
    history, later = copies[:4], copies[4:]
    assert {c["issuer_cik"].item() for c in history} == {FRAME["issuer_cik"].item()}
    assert {c["owner_cik"].item() for c in history} == {FRAME["owner_cik"].item()}
    days = [c["filing_date"].item() for c in history]
    assert days == sorted(days, reverse=True) and days[0] < date(2024, 3, 26)  # one quarter further back each
    assert {(date(2024, 3, 26) - d).days % 7 for d in days} == {0}
    assert [(date(2024, 3, 26) - d).days for d in days] == [91, 182, 273, 364]
    stamps = [c["acceptance_datetime"].item() for c in history]
    assert [s.time() for s in stamps] == [datetime(2024, 3, 26, 16, 5).time()] * 4
    assert all(s.date() == d for s, d in zip(stamps, days, strict=True))
    # after a full history, the next copies are another set of companies with a history of their own
    assert {c["issuer_cik"].item() for c in later} == {FRAME["issuer_cik"].item() + 10_000_000}
    assert [c["filing_date"].item() for c in later] == days[:2]
    assert {c["shares"].item() for c in copies} == {"100"}
