"""What a user reads when a run is stopped or meets a mistake: one line, never a traceback, and a status that says."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench.generate import generate
from bench.terminal import read_to_end, read_until, start_in_terminal
from mirror.server import serve_in_background
from tests.conftest import TEST_USER_AGENT, every_table

CLI = [sys.executable, "-m", "orchestration.cli"]
# Run records, not filings: they differ between an interrupted-then-finished warehouse and an undisturbed one.
RUN_RECORDS = frozenset({"ingest_failures", "model_versions", "schema_version", "load_scope"})


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EDGAR_", "INSIDER_"))}
    return {**env, "INSIDER_DATA_DIR": str(data_dir), "EDGAR_USER_AGENT": TEST_USER_AGENT, **extra}


def interrupted(command: list[str], env: dict[str, str], marker: bytes) -> tuple[int, str]:
    """Run `command` at a terminal of its own and press Ctrl-C (SIGINT to its whole process group, as a terminal
    does) once its progress shows `marker`; its exit status and all it wrote to stderr."""
    process, terminal = start_in_terminal(command, env, start_new_session=True)
    try:
        seen = read_until(process, terminal, marker)
        os.killpg(process.pid, signal.SIGINT)
        seen += read_to_end(terminal)
    finally:
        os.close(terminal)
    return process.wait(timeout=120), seen.decode()


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    root = tmp_path_factory.mktemp("generated")
    return root, generate(root, 150, days=2)


def test_ctrl_c_says_one_line_keeps_nothing_partial_and_exits_130(two_days, tmp_path: Path):
    mirror_root, days = two_days
    window = ["ingest", "--start", str(days[0]), "--end", str(days[-1])]
    with serve_in_background([mirror_root]) as mirror:
        slow = cli_env(tmp_path / "data", EDGAR_BASE_URL=mirror.base_url, EDGAR_REQUESTS_PER_SECOND="10")
        status, stderr = interrupted([*CLI, *window], slow, b"fetch submissions:   1%")
        fast = cli_env(tmp_path / "data", EDGAR_BASE_URL=mirror.base_url, EDGAR_REQUESTS_PER_SECOND="500")
        finished = subprocess.run([*CLI, *window], env=fast, capture_output=True, text=True, timeout=300)
        undisturbed = cli_env(tmp_path / "undisturbed", EDGAR_BASE_URL=mirror.base_url, EDGAR_REQUESTS_PER_SECOND="500")
        assert subprocess.run([*CLI, *window], env=undisturbed, capture_output=True, timeout=300).returncode == 0
    assert status == 130, stderr
    assert "Traceback" not in stderr and "This is a bug" not in stderr and "KeyboardInterrupt" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert last == (
        "insider-warehouse: interrupted: nothing partial was kept (every write commits whole or not at all); "
        f"to finish, run again: insider-warehouse ingest --start {days[0]} --end {days[-1]}"
    )
    assert finished.returncode == 0, finished.stderr
    assert every_table(tmp_path / "data", RUN_RECORDS) == every_table(tmp_path / "undisturbed", RUN_RECORDS)


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("content", [b"", b"this is not a database\n" * 100], ids=["zero bytes", "garbage"])
@pytest.mark.parametrize("command", [["ingest", "--start", "2025-01-02", "--end", "2025-01-02"], ["migrate"]])
def test_a_warehouse_file_that_is_not_a_database_is_named_in_one_line_and_left_alone(
    cli_data_dir: Path, capsys: pytest.CaptureFixture[str], content: bytes, command: list[str]
):
    from orchestration import cli

    warehouse = cli_data_dir / "warehouse.duckdb"
    cli_data_dir.mkdir()
    warehouse.write_bytes(content)
    assert cli.main(command) == 1
    printed = capsys.readouterr().err.strip().splitlines()
    assert len(printed) == 1 and "Traceback" not in printed[0]
    assert printed[0].startswith(f"insider-warehouse: failed: {warehouse} cannot be opened as a DuckDB warehouse")
    assert "nothing was changed" in printed[0] and f"mv {warehouse} {warehouse}.damaged" in printed[0]
    assert files_under(cli_data_dir) == {"warehouse.duckdb": content}  # touched nothing, made nothing


def test_a_read_copy_that_is_not_a_database_is_named_in_one_line(cli_data_dir: Path, capsys):
    from orchestration import cli

    published = cli_data_dir / "published" / "warehouse.duckdb"
    published.parent.mkdir(parents=True)
    published.write_bytes(b"\0" * 4096)
    assert cli.main(["summary"]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"insider-warehouse: failed: {published} cannot be opened as a DuckDB warehouse")
    assert line.endswith("The next successful run replaces it (insider-warehouse ingest).")


@pytest.fixture(params=["read-only filesystem", "/sys"])
def unwritable_folder(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "/sys":
        yield Path("/sys/insider-data")
        return
    mount_point = tmp_path / "read-only"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", str(mount_point)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point / "data"
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


@pytest.mark.parametrize("command", [["ingest"], ["f345"], ["migrate"], ["demo"]])
def test_a_data_folder_that_cannot_be_written_is_refused_before_anything_starts(
    unwritable_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
):
    from orchestration import cli

    monkeypatch.setenv("INSIDER_DATA_DIR", str(unwritable_folder))
    monkeypatch.setenv("EDGAR_USER_AGENT", TEST_USER_AGENT)
    assert cli.main(command) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"insider-warehouse: error: INSIDER_DATA_DIR='{unwritable_folder}' cannot be written (")
    assert "e.g. INSIDER_DATA_DIR=$HOME/insider-data" in line


def test_migrate_brings_a_read_copy_of_an_older_release_up_and_says_when_there_is_nothing_to_do(
    cli_data_dir: Path, capsys: pytest.CaptureFixture[str]
):
    """A read copy published by the release before schema versions (migration 1's tables): `summary` says what to
    run instead of failing on a missing table; `migrate` migrates that copy in place of it, keeping its rows."""
    import duckdb

    from orchestration import cli
    from orchestration.migrations import latest_version
    from orchestration.sql_files import read_sql

    assert cli.main(["migrate"]) == 0  # a new warehouse, built at this release's schema
    warehouse = cli_data_dir / "warehouse.duckdb"
    assert capsys.readouterr().out.strip() == f"{warehouse}: schema version {latest_version()}, nothing to migrate"
    published = cli_data_dir / "published" / "warehouse.duckdb"
    published.parent.mkdir()
    old = duckdb.connect(str(published))
    old.execute(read_sql("migrations/0001_baseline.sql"))
    old.execute("insert into index_days (index_date, status) values ('2025-01-02', 'loaded')")
    old.close()

    assert cli.main(["summary"]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line == (
        f"insider-warehouse: failed: {published} holds schema version 0, older than this release's "
        f"{latest_version()}: it was written by an earlier release. Run `insider-warehouse migrate` (it brings the "
        "read copy up too), then this command again"
    )
    assert cli.main(["migrate"]) == 0
    said = capsys.readouterr().out.strip().splitlines()
    assert said[-1].startswith(f"migrated the read copy {published} to schema version {latest_version()} (")
    assert len(said) == latest_version()  # migrations 1 … latest of the copy; the private warehouse was current
    assert cli.main(["summary"]) == 0
    assert "2025-01-02" in capsys.readouterr().out  # the read copy's own rows, migrated
    assert cli.main(["migrate"]) == 0
    assert capsys.readouterr().out.strip() == f"{warehouse}: schema version {latest_version()}, nothing to migrate"


def test_progress_in_a_log_is_one_line_per_stage_never_a_redrawn_bar(two_days, tmp_path: Path):
    mirror_root, days = two_days
    log = tmp_path / "night.log"
    with serve_in_background([mirror_root]) as mirror, log.open("w") as stderr:
        env = cli_env(tmp_path / "data", EDGAR_BASE_URL=mirror.base_url, EDGAR_REQUESTS_PER_SECOND="500")
        window = ["ingest", "--start", str(days[0]), "--end", str(days[-1])]
        done = subprocess.run([*CLI, *window], env=env, stdout=subprocess.DEVNULL, stderr=stderr, timeout=300)
    assert done.returncode == 0
    written = log.read_text()
    assert "\r" not in written
    lines = written.splitlines()
    assert [line.split(":")[0] for line in lines] == ["index days", "fetch submissions", "parse and load"]
    assert lines[1].startswith("fetch submissions: 150 filings in ")


def test_a_stage_still_running_says_so_in_a_log_at_most_once_an_interval(monkeypatch: pytest.MonkeyPatch):
    import io

    from orchestration import progress as progress_module

    log = io.StringIO()
    monkeypatch.setattr(progress_module, "LOG_INTERVAL_SECONDS", 0.0)
    with progress_module.progress(total=3, desc="fetch submissions", unit="filing", stream=log) as bar:
        bar.update(2)
        bar.set_postfix_str("2024-01-02 to 2024-01-31")
    monkeypatch.setattr(progress_module, "LOG_INTERVAL_SECONDS", 3600.0)
    for _ in progress_module.progress(range(4), desc="f345 quarters", unit="quarter", stream=log):
        pass
    for _ in progress_module.progress(range(4), desc="vehicles", unit="batch", leave=False, stream=log):
        pass
    said = log.getvalue().splitlines()
    assert said[0].startswith("fetch submissions: 2 of 3 filings, ") and said[0].endswith(" so far")
    assert said[1].startswith("fetch submissions: 2 of 3 filings in ")
    assert said[1].endswith(" (2024-01-02 to 2024-01-31)")
    assert said[2].startswith("f345 quarters: 4 quarters in ")
    assert len(said) == 3  # a nested step (leave=False) says nothing in a log


def test_runs_lists_recent_runs_with_their_window_status_and_the_failures_they_left_open(
    cli_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    from orchestration import cli
    from orchestration.cli import RUNS_POINTER
    from tests.conftest import FIXTURE_MIRROR, read_table

    assert cli.main(["runs"]) == 0
    assert capsys.readouterr().out.strip() == "no runs yet (make demo, or insider-warehouse ingest, makes one)"
    monkeypatch.setenv("EDGAR_REQUESTS_PER_SECOND", "500")
    with serve_in_background([FIXTURE_MIRROR]) as mirror:  # days with a 404 and a damaged filing; no data sets
        monkeypatch.setenv("EDGAR_BASE_URL", mirror.base_url)
        assert cli.main(["ingest", "--start", "2025-01-02", "--end", "2025-01-10"]) == 0
        assert cli.main(["f345", "--start", "2024q2", "--end", "2024q2"]) == 1
    assert capsys.readouterr().err.strip().endswith(RUNS_POINTER)
    left_open = dict(
        read_table(
            cli_data_dir, "select stage = 'f345', count(*) from ingest_failures where resolved_at is null group by 1"
        )
    )
    assert cli.main(["runs"]) == 0
    table = capsys.readouterr().out.splitlines()
    rows = [[cell.strip() for cell in line.split("┆")] for line in table if line.startswith("│")][1:]
    assert [(row[1], row[2], row[3], row[6].rstrip("│ ")) for row in rows] == [
        ("quarters", "2024q2", "failure", str(left_open[True])),
        ("days", "2025-01-02 to 2025-01-10", "success", str(left_open[False])),
    ]
    assert table[-1] == (
        f"open failures: recorded while the run ran and not resolved since, in {cli_data_dir / 'warehouse.duckdb'}"
    )
    assert cli.main(["runs", "--limit", "1"]) == 0
    assert "2025-01-02" not in capsys.readouterr().out
