"""What an operator meets when something is wrong: exit status, one line or one paragraph, never a traceback."""

import os
import re
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from mirror.server import serve_in_background
from orchestration import cli
from orchestration.warehouse_connection import connect, ensure_schema, kept_open
from tests.conftest import FIXTURE_MIRROR, TEST_USER_AGENT, read_table

CLI = [sys.executable, "-m", "orchestration.cli"]


def closed_port() -> int:
    """A loopback port nobody listens on: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EDGAR_", "INSIDER_"))}
    return {**env, "INSIDER_DATA_DIR": str(data_dir), **extra}


@pytest.fixture
def cli_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The in-process CLI's environment: a data folder of its own and the test User-Agent."""
    for key in list(os.environ):
        if key.startswith(("EDGAR_", "INSIDER_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("INSIDER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EDGAR_USER_AGENT", TEST_USER_AGENT)
    return tmp_path


def test_a_dead_host_fails_the_run_in_one_paragraph_and_records_every_day(tmp_path: Path):
    base_url = f"http://127.0.0.1:{closed_port()}"
    done = subprocess.run(
        [*CLI, "ingest", "--start", "2025-01-02", "--end", "2025-01-31"],
        env=clean_environment(tmp_path, EDGAR_USER_AGENT=TEST_USER_AGENT, EDGAR_BASE_URL=base_url),
        capture_output=True,
        text=True,
        timeout=240,  # a safety net: the old client retried each of 20 days for about 25 s
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Stack Trace" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"insider-warehouse: failed: EDGAR could not be reached at {base_url}"), done.stderr
    assert "Connection refused" in last and "--start 2025-01-02 --end 2025-01-31" in last
    # Every business day of the window is recorded, none counted as an attempt (an outage must not quarantine).
    recorded = read_table(tmp_path, "select reason, attempts, count(*) from ingest_failures group by all")
    assert recorded == [("host_unreachable", 0, 20)]
    with dg.DagsterInstance.from_config(str(tmp_path / "dagster")) as instance:
        [run] = instance.get_runs()
    assert run.status == dg.DagsterRunStatus.FAILURE


@pytest.mark.parametrize(
    ("arguments", "environment", "named"),
    [
        (["ingest", "--start", "2025-01-10", "--end", "2025-01-02"], {}, "--start 2025-01-10 is after --end"),
        (["ingest", "--start", "2999-01-01"], {}, "--start 2999-01-01 is after the default --end"),
        (["ingest", "--start", "1999-01-01", "--end", "1999-02-01"], {}, "--start 1999-01-01 is before 2003-06-30"),
        (["ingest", "--end", "2999-01-01"], {}, "--end 2999-01-01 has not ended in New York"),
        (["ingest", "--start", "2025-02-30"], {}, "'2025-02-30' is not a date"),
        (["ingest"], {"EDGAR_REQUESTS_PER_SECOND": "abc"}, "EDGAR_REQUESTS_PER_SECOND='abc' is not a number"),
        (["ingest"], {"EDGAR_REQUESTS_PER_SECOND": "0"}, "EDGAR_REQUESTS_PER_SECOND='0' must be a positive"),
        (["ingest"], {"EDGAR_REQUESTS_PER_SECOND": "25"}, "exceeds SEC's fair-access limit"),
        (["ingest"], {"INSIDER_DUCKDB_MEMORY_LIMIT": "banana"}, "INSIDER_DUCKDB_MEMORY_LIMIT='banana' is not a size"),
        (["ingest"], {"INSIDER_DUCKDB_MEMORY_LIMIT": "4XB"}, "INSIDER_DUCKDB_MEMORY_LIMIT='4XB' is refused by DuckDB"),
        (["ingest"], {"EDGAR_BASE_URL": "127.0.0.1:8799"}, "EDGAR_BASE_URL='127.0.0.1:8799' must start with http"),
        (["ingest"], {"EDGAR_BASE_URL": "ftp://example.com"}, "EDGAR_BASE_URL='ftp://example.com' must start"),
        (["ingest"], {"EDGAR_BASE_URL": "http://"}, "EDGAR_BASE_URL='http://' names no host"),
        (["ingest"], {"EDGAR_FETCH_PROCESSES": "two"}, "EDGAR_FETCH_PROCESSES='two' is not a whole number"),
        (["ingest"], {"INSIDER_PARSE_WORKERS": "0"}, "INSIDER_PARSE_WORKERS='0' must be between 1 and"),
        (["ingest"], {"INSIDER_LOCK_WAIT_SECONDS": "-5"}, "INSIDER_LOCK_WAIT_SECONDS='-5' must be zero or more"),
        (["ingest"], {"EDGAR_USER_AGENT": "nobody"}, "EDGAR_USER_AGENT 'nobody' has no contact e-mail"),
        (["summary"], {"INSIDER_DUCKDB_MEMORY_LIMIT": "lots"}, "INSIDER_DUCKDB_MEMORY_LIMIT='lots' is not a size"),
        (["f345", "--start", "2024q5"], {}, "'2024q5' is not a quarter"),
        (["f345", "--start", "2025q1", "--end", "2024q3"], {}, "--start 2025q1 is after --end 2024q3"),
        (["f345", "--start", "2005q4", "--end", "2006q2"], {}, "--start 2005q4 is before 2006q1"),
        (["f345", "--end", "2999q1"], {}, "--end 2999q1 has not begun"),
    ],
)
def test_a_mistake_is_refused_in_one_line_naming_it_with_exit_status_2(
    cli_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    environment: dict[str, str],
    named: str,
):
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    status = run_cli(arguments)
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.count("\n") == 1 and named in captured.err, captured.err
    assert "e.g." in captured.err  # a valid example
    assert list(cli_environment.iterdir()) == []  # refused before anything started


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (None, "no such file"),
        ("accession,line\n", "the header must name"),
        (
            "accession_number,source_table,table_kind,line_number,decision,target_accession_number,"
            "target_source_table,target_table_kind,target_line_number,note\n"
            "0001828108-24-000116,holdings,non_derivative,4,merge,,,,,\n",
            "line 2: decision must be one of",
        ),
    ],
)
def test_a_wrong_overrides_file_is_refused_in_one_line(
    cli_environment: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    named: str,
):
    overrides = tmp_path_factory.mktemp("analyst") / "my-overrides.csv"
    if content is not None:
        overrides.write_text(content)
    monkeypatch.setenv("INSIDER_VEHICLE_OVERRIDES", str(overrides))
    status = run_cli(["ingest"])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.count("\n") == 1 and "INSIDER_VEHICLE_OVERRIDES" in captured.err and named in captured.err
    assert "e.g." in captured.err
    assert list(cli_environment.iterdir()) == []


def test_every_command_says_what_it_does_atop_its_own_help(capsys: pytest.CaptureFixture[str]):
    assert run_cli(["--help"]) == 0
    listing = " ".join(capsys.readouterr().out.split())
    commands = re.search(r"\{([a-z0-9,]+)\}", listing).group(1).split(",")
    assert "f345" in commands and "backfill" in commands
    for name in commands:
        assert run_cli([name, "--help"]) == 0
        paragraphs = capsys.readouterr().out.split("\n\n")
        description = " ".join(paragraphs[1].split())  # after the usage block: what the command does
        assert f"{name} {description}" in listing, (name, paragraphs[:2])


def run_cli(arguments: list[str]) -> int:
    """The CLI's exit status, whether it returns it or argparse exits with it."""
    try:
        return cli.main(arguments)
    except SystemExit as exit:
        return int(exit.code or 0)


def test_a_day_without_a_readable_index_fails_the_run_after_the_rest_is_published(
    cli_environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    overlay = tmp_path / "overlay"
    broken = overlay / "Archives/edgar/daily-index/2025/QTR1/master.20250103.idx"
    broken.parent.mkdir(parents=True)
    broken.write_text("<html>Service temporarily unavailable</html>\n")
    with serve_in_background([overlay, FIXTURE_MIRROR]) as mirror:
        monkeypatch.setenv("EDGAR_BASE_URL", mirror.base_url)
        monkeypatch.setenv("EDGAR_REQUESTS_PER_SECOND", "500")
        status = cli.main(["ingest", "--start", "2025-01-02", "--end", "2025-01-07"])
    err = capsys.readouterr().err
    assert status == 1
    last = err.strip().splitlines()[-1]
    assert "1 business day(s) had no readable EDGAR index: 2025-01-03 (index_malformed" in last, err
    assert "--start 2025-01-03 --end 2025-01-03" in last and "Traceback" not in err
    published = cli_environment / "published" / "warehouse.duckdb"
    reader = duckdb.connect(str(published), read_only=True)
    try:
        days = reader.sql("select index_date, status from index_days order by 1").fetchall()
        loaded = reader.sql("select count(*) from filings").fetchall()[0][0]
    finally:
        reader.close()
    assert (date(2025, 1, 3), "missing") in days and (date(2025, 1, 2), "loaded") in days
    assert loaded > 0  # the readable days were loaded and published


def test_a_held_lock_is_named_while_waiting_and_refused_in_one_paragraph(tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    connection = connect(warehouse)
    ensure_schema(connection)
    connection.close()
    hold = f"import duckdb, sys; c = duckdb.connect({str(warehouse)!r}); print('held', flush=True); sys.stdin.read()"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        done = subprocess.run(
            [*CLI, "summary", "--private"],
            env=clean_environment(tmp_path, INSIDER_LOCK_WAIT_SECONDS="1"),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith(f"waiting for {warehouse}: it is locked by process {holder.pid} (")
    assert "running since" in lines[0] and "giving up after 1 s (INSIDER_LOCK_WAIT_SECONDS)" in lines[0]
    assert lines[-1].startswith(f"insider-warehouse: failed: {warehouse} is locked by process {holder.pid}")
    assert str(tmp_path / "published" / "warehouse.duckdb") in lines[-1] and "Traceback" not in done.stderr


def test_summary_reads_the_published_copy_and_names_it(cli_environment: Path, capsys: pytest.CaptureFixture[str]):
    assert cli.main(["summary"]) == 1
    assert "there is no warehouse at" in capsys.readouterr().err
    published = cli_environment / "published" / "warehouse.duckdb"
    published.parent.mkdir()
    connection = connect(published)
    ensure_schema(connection)
    connection.close()
    assert cli.main(["summary"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"warehouse: {published}"


def test_a_read_only_connection_in_a_kept_instance_runs_queries_only(tmp_path: Path):
    path = tmp_path / "warehouse.duckdb"
    with kept_open(path):
        writer = connect(path)
        ensure_schema(writer)
        writer.close()
        reader = connect(path, read_only=True)
        try:
            assert reader.sql("select count(*) from filings").fetchall() == [(0,)]
            for statement in ("delete from filings", "commit", "create table x (a int)", "checkpoint"):
                with pytest.raises(PermissionError, match="runs queries only"):
                    reader.execute(statement)
        finally:
            reader.close()
        # The instance itself stays writable for the run's own cursors.
        writer = connect(path)
        writer.execute("insert into calendar values (date '2000-01-01', true, null, 1)")
        writer.close()
