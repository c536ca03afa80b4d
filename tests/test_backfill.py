"""The long index backfill: estimated before it starts, run a few days at a time, resumed where it stopped."""

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_MIRROR, TEST_USER_AGENT, read_table
from tests.test_cli import CLI, environment
from transforms.backfill_plan import BackfillEstimate, backfill_runs, business_days, duration, estimate
from transforms.index_files import IndexEntry
from transforms.quarters import quarters_between

OWNERSHIP_FORMS = {"3", "4", "5", "3/A", "4/A", "5/A"}


def test_a_backfill_is_cut_into_runs_and_skips_those_already_done():
    first, last = date(2025, 1, 1), date(2025, 1, 10)
    assert backfill_runs(first, last, set(), 4) == [
        (date(2025, 1, 1), date(2025, 1, 4)),
        (date(2025, 1, 5), date(2025, 1, 8)),
        (date(2025, 1, 9), date(2025, 1, 10)),
    ]
    done = {date(2025, 1, day) for day in range(1, 5)} | {date(2025, 1, 9)}
    assert backfill_runs(first, last, done, 4) == [
        (date(2025, 1, 5), date(2025, 1, 8)),
        (date(2025, 1, 9), date(2025, 1, 10)),
    ]


def test_the_estimate_counts_each_filing_once_and_no_request_for_one_already_fetched():
    def entry(accession: str, day: date, cik: int) -> IndexEntry:
        return IndexEntry(accession, "4", day, cik, "X", f"edgar/data/{cik}/{accession}.txt", 1)

    entries = [
        entry("0000000001-04-000001", date(2004, 3, 1), 1),
        entry("0000000001-04-000001", date(2004, 3, 1), 2),  # the same filing under its owner's CIK
        entry("0000000001-04-000002", date(2004, 3, 2), 1),
        entry("0000000001-04-000003", date(2004, 3, 9), 1),  # after the range
    ]
    planned = estimate(date(2004, 3, 1), date(2004, 3, 5), entries, {"0000000001-04-000002"}.__contains__, 10)
    assert (planned.listed, planned.already_fetched, planned.business_days) == (2, 1, 5)
    assert planned.requests == 5 + 1 and planned.seconds == pytest.approx(0.6)


def test_the_pre_data_set_years_are_about_a_day_of_requests():
    days = business_days(date(2003, 6, 30), date(2005, 12, 31))
    assert 620 < len(days) < 640  # 30 months of about 21 business days
    assert len(quarters_between(date(2003, 6, 30), date(2005, 12, 31))) == 11
    assert BackfillEstimate(date(2003, 6, 30), date(2005, 12, 31), len(days), 400_000, 0, 10).seconds > 11 * 3600
    assert [duration(40), duration(720), duration(11_100)] == ["40 s", "12 min", "3 h 05 min"]


def listed_in_fixture_index(first: date, last: date) -> set[str]:
    """The ownership accessions the fixture mirror's quarterly full index lists in [first, last], read here."""
    text = (FIXTURE_MIRROR / "Archives/edgar/full-index/2025/QTR1/master.idx").read_text()
    rows = [line.split("|") for line in text.splitlines() if line.count("|") == 4 and line[0].isdigit()]
    return {
        name.rsplit("/", 1)[-1].removesuffix(".txt")
        for _, _, form, filed, name in rows
        if form in OWNERSHIP_FORMS and first <= date.fromisoformat(filed) <= last
    }


def run_cli(arguments: list[str], data_dir: Path, base_url: str) -> subprocess.CompletedProcess:
    env = environment(data_dir, EDGAR_BASE_URL=base_url, EDGAR_USER_AGENT=TEST_USER_AGENT)
    return subprocess.run([*CLI, *arguments], env=env, capture_output=True, text=True, timeout=300)


def estimate_numbers(output: str) -> tuple[int, int, int, int]:
    """(filings listed, business days, already fetched, requests) from the estimate line."""
    found = re.search(
        r"(\d+) ownership filings? listed on (\d+) business days? \((\d+) already fetched\); (\d+) requests?", output
    )
    assert found, output
    return tuple(int(group) for group in found.groups())


def test_the_backfill_says_what_it_will_do_then_resumes_where_it_stopped(tmp_path: Path, fixture_mirror):
    first, last = date(2025, 1, 2), date(2025, 1, 10)
    listed = listed_in_fixture_index(first, last)
    data = tmp_path / "data"
    estimated = run_cli(
        ["backfill", "--start", str(first), "--end", str(last), "--estimate"], data, fixture_mirror.base_url
    )
    assert estimated.returncode == 0, estimated.stderr[-3000:]
    # Six business days: 2025-01-09 was a national day of mourning.
    assert estimate_numbers(estimated.stdout) == (len(listed), 6, 0, 6 + len(listed))
    assert not (data / "warehouse.duckdb").exists()  # an estimate loads nothing

    # A backfill stopped after its first days (here: those days ingested on their own) ...
    assert (
        run_cli(["ingest", "--start", "2025-01-02", "--end", "2025-01-04"], data, fixture_mirror.base_url).returncode
        == 0
    )
    # ... is started again: the run of those days is skipped, the two others are made.
    resumed = run_cli(
        ["backfill", "--start", str(first), "--end", str(last), "--days-per-run", "3"], data, fixture_mirror.base_url
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "backfill done (2 runs" in resumed.stdout
    assert "backfill" in resumed.stderr and "filing" in resumed.stderr  # the progress bar

    # It holds what one run over the whole range holds.
    whole = tmp_path / "whole"
    assert (
        run_cli(["ingest", "--start", str(first), "--end", str(last)], whole, fixture_mirror.base_url).returncode == 0
    )
    accessions = "select accession_number from filings order by 1"
    assert read_table(data, accessions) == read_table(whole, accessions)
    assert {day for (day,) in read_table(data, "select index_date from index_days")} == set(
        business_days(first, last)
    ) | {date(2025, 1, 4), date(2025, 1, 5), date(2025, 1, 9)}

    # Done: nothing to run again, and what was fetched costs no request in the next estimate.
    again = run_cli(
        ["backfill", "--start", str(first), "--end", str(last), "--days-per-run", "3"], data, fixture_mirror.base_url
    )
    assert "backfill done (0 runs" in again.stdout
    fetched = len(list((data / "raw" / "submissions").rglob("*.txt*")))
    assert fetched > 0
    assert estimate_numbers(again.stdout) == (len(listed), 6, fetched, 6 + len(listed) - fetched)


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["--days-per-run", "0"], "--days-per-run"),
        (["--start", "2003-06-01"], "2003-06-30"),
        (["--start", "2005-02-01", "--end", "2005-01-01"], "after"),
    ],
)
def test_a_backfill_with_a_wrong_argument_is_refused_before_it_starts(tmp_path: Path, arguments: list[str], named: str):
    done = run_cli(["backfill", *arguments, "--estimate"], tmp_path, "http://127.0.0.1:9")
    assert done.returncode == 2 and named in done.stderr, done.stderr
    assert not any(tmp_path.iterdir())
