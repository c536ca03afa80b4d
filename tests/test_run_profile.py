"""A run's profile (INSIDER_PROFILE): every SQL file the night ran, under the step that ran it, and each step's time."""

from pathlib import Path

import pytest

from bench.night_profile import label_table, read_profile, step_table
from mirror.server import serve_in_background
from orchestration.run_profile import STEP_TOTAL
from orchestration.settings import PROFILE_VARIABLE
from orchestration.sql_files import SQL_ROOT
from tests.conftest import FIXTURE_MIRROR


def test_a_profiled_night_names_each_sql_file_its_step_and_what_it_read(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    from orchestration import cli

    profile = tmp_path / "night.jsonl"
    monkeypatch.setenv(PROFILE_VARIABLE, str(profile))
    monkeypatch.setenv("EDGAR_REQUESTS_PER_SECOND", "500")
    with serve_in_background([FIXTURE_MIRROR]) as mirror:
        monkeypatch.setenv("EDGAR_BASE_URL", mirror.base_url)
        assert cli.main(["ingest", "--start", "2025-01-02", "--end", "2025-01-03"]) == 0
    entries = read_profile(profile)
    steps = {entry["step"] for entry in entries if entry["label"] == STEP_TOTAL}
    assert {"filing_tables", "warehouse_model", "published_warehouse"} <= steps
    sql_files = {entry["label"].split(" (")[0] for entry in entries if entry["label"].endswith(".sql")}
    sql_files |= {entry["label"].split(" (")[0] for entry in entries if ".sql (" in entry["label"]}
    assert "load/insert_filing_rows.sql" in sql_files and "models/cluster_buys.sql" in sql_files
    assert all((SQL_ROOT / name).is_file() for name in sql_files)  # every label is a file of sql/
    by_step = {(entry["step"], entry["label"]) for entry in entries}
    assert ("filing_tables", "load/insert_filing_rows.sql") in by_step
    assert ("published_warehouse", "publish: checkpoint") in by_step
    assert all(entry["seconds"] >= 0 and entry["bytes_read"] >= 0 for entry in entries)
    assert "| filing_tables |" in step_table(entries)
    assert label_table(entries, top=3).count("\n") == 4  # header, rule, three rows


def test_without_the_variable_nothing_is_written(cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    from orchestration.run_profile import profile_file, profiled

    monkeypatch.delenv(PROFILE_VARIABLE, raising=False)
    assert profile_file() is None
    with profiled("anything"):
        pass
    assert not any(cli_data_dir.parent.rglob("*.jsonl"))
