"""Under a mirror that throttles, resets, stalls, truncates and corrupts, nothing is lost: every listed filing ends
loaded or recorded with a reason, and a clean rerun loads what the faults kept out."""

from datetime import date
from pathlib import Path

import duckdb

from bench.fault_soak import UNACCOUNTED_FILINGS
from mirror.server import FaultPlan, serve_in_background
from orchestration.sql_files import query_sql_file
from tests.conftest import FIXTURE_MIRROR, materialize_days, read_table
from tests.expected_from_xml import expected_from_submission

FIRST, LAST = date(2025, 1, 2), date(2025, 1, 10)
RATES = {
    "429": 0.06,
    "429_no_retry_after": 0.06,
    "503": 0.06,
    "reset": 0.06,
    "stall": 0.04,
    "truncate": 0.08,
    "corrupt_xml": 0.12,
}


def unaccounted(data_dir: Path) -> list[tuple]:
    """Listed filings that are neither loaded nor recorded as failed."""
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return query_sql_file(connection, UNACCOUNTED_FILINGS).fetchall()
    finally:
        connection.close()


def test_every_listed_filing_is_loaded_or_recorded_under_faults_and_a_clean_rerun_recovers(tmp_path: Path):
    faults = FaultPlan(rates=RATES, retry_after="0", seed=20250102, stall_seconds=1.0)
    with serve_in_background([FIXTURE_MIRROR], faults=faults) as mirror:
        result = materialize_days(tmp_path, mirror.base_url, FIRST, LAST, max_attempts=2, read_timeout=0.3)
    # A day whose index the faults kept out fails the run, in its last step, after every other day was loaded.
    failed_steps = {event.step_key for event in result.get_step_failure_events()}
    missing_days = read_table(tmp_path, "select count(*) from index_days where status = 'missing'")[0][0]
    assert failed_steps == ({"ingest_outcome"} if missing_days else set())
    kinds = {seen.status for seen in mirror.seen}
    assert {429, 503} <= kinds  # the faults did happen
    assert unaccounted(tmp_path) == []
    failed_first = read_table(tmp_path, "select count(*) from ingest_failures where resolved_at is null")[0][0]

    with serve_in_background([FIXTURE_MIRROR]) as clean:
        assert materialize_days(tmp_path, clean.base_url, FIRST, LAST).success
    served = sorted((FIXTURE_MIRROR / "Archives/edgar/data").glob("*/*.txt"))
    well_formed = {e.accession_number for e in map(expected_from_submission, served) if e}
    assert {row[0] for row in read_table(tmp_path, "select accession_number from filings")} == well_formed
    still_open = read_table(tmp_path, "select stage, reason from ingest_failures where resolved_at is null order by 1")
    assert still_open == [("fetch", "http_404"), ("parse", "xml_malformed")]  # only the fixture's own two
    assert failed_first > len(still_open)  # the faults cost something the rerun recovered
