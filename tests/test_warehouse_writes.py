"""The DuckDB write path: one transaction per batch, so a failure midway changes nothing."""

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from orchestration.sql_files import split_statements
from orchestration.warehouse_connection import connect, ensure_schema
from orchestration.warehouse_load import failure, load_filings, record_outcomes
from tests.conftest import FIXTURE_MIRROR
from transforms.normalize import NormalizedFiling, normalize_submission, to_frames

ACCESSION = "0009999999-25-000001"
NOW = datetime(2026, 1, 1, 12, 0)


def normalized(accession: str = ACCESSION) -> NormalizedFiling:
    raw = (FIXTURE_MIRROR / "Archives/edgar/data/9990001" / f"{accession}.txt").read_bytes()
    outcome = normalize_submission(accession, raw)
    assert isinstance(outcome, NormalizedFiling)
    return outcome


def counts(connection: duckdb.DuckDBPyConnection) -> tuple:
    return connection.sql(
        "select (select count(*) from filings), (select count(*) from transactions), (select count(*) from footnotes)"
    ).fetchall()[0]


@pytest.fixture
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = connect(tmp_path / "warehouse.duckdb")
    ensure_schema(connection)
    yield connection
    connection.close()


def test_loading_the_same_filing_twice_replaces_it(warehouse):
    frames = to_frames([normalized()])
    load_filings(warehouse, [ACCESSION], frames, [], [], NOW)
    once = counts(warehouse)
    load_filings(warehouse, [ACCESSION], frames, [], [], NOW)
    assert counts(warehouse) == once == (1, frames["transactions"].height, frames["footnotes"].height)


def test_a_batch_that_fails_midway_leaves_the_previous_rows(warehouse):
    load_filings(warehouse, [ACCESSION], to_frames([normalized()]), [], [], NOW)
    before = counts(warehouse)
    broken = to_frames([normalized()])
    # The last insert of the batch cannot succeed: its frame lacks a column the table requires by name.
    broken["unknown_elements"] = pl.DataFrame({"accession_number": [ACCESSION], "no_such_column": [1]})
    with pytest.raises(duckdb.Error):
        load_filings(warehouse, [ACCESSION], broken, [], [], NOW)
    assert counts(warehouse) == before  # the deletes that ran before the failure were rolled back


def test_failures_count_attempts_and_resolve(warehouse):
    miss = failure(ACCESSION, "fetch", "http_404", "not found", "http://127.0.0.1/x", NOW.date())
    record_outcomes(warehouse, [miss], [], NOW)
    record_outcomes(warehouse, [miss], [], NOW.replace(hour=13))
    rows = warehouse.sql("select attempts, first_seen, last_seen, resolved_at from ingest_failures").fetchall()
    assert rows == [(2, NOW, NOW.replace(hour=13), None)]
    record_outcomes(warehouse, [], [(ACCESSION, "fetch")], NOW.replace(hour=14))
    assert warehouse.sql("select resolved_at from ingest_failures").fetchall() == [(NOW.replace(hour=14),)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("select 1; select 2;", ["select 1", "select 2"]),
        (
            "select ';' as x; -- a comment; with a semicolon\nselect 2",
            ["select ';' as x", "-- a comment; with a semicolon\nselect 2"],
        ),
        ("select 'it''s; fine'", ["select 'it''s; fine'"]),
        ("-- only a comment;\n", []),
        ('select 1 as "a;b"', ['select 1 as "a;b"']),
    ],
)
def test_split_statements(text: str, expected: list[str]):
    assert split_statements(text) == expected
