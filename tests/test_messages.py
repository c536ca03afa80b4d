"""What a user reads when a run is stopped or meets a mistake: one line, never a traceback, and a status that says."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench.generate import generate
from mirror.server import serve_in_background
from tests.conftest import TEST_USER_AGENT, every_table

CLI = [sys.executable, "-m", "orchestration.cli"]
# Run records, not filings: they differ between an interrupted-then-finished warehouse and an undisturbed one.
RUN_RECORDS = frozenset({"ingest_failures", "model_versions", "schema_version", "load_scope"})


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EDGAR_", "INSIDER_"))}
    return {**env, "INSIDER_DATA_DIR": str(data_dir), "EDGAR_USER_AGENT": TEST_USER_AGENT, **extra}


def interrupted(command: list[str], env: dict[str, str], marker: bytes) -> tuple[int, str]:
    """Run `command` in a process group of its own and press Ctrl-C (SIGINT to the whole group, as a terminal does)
    once its stderr shows `marker`; its exit status and all it wrote to stderr."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    seen = b""
    while marker not in seen:
        chunk = process.stderr.read1(4096)
        if not chunk:
            raise AssertionError(f"the run ended (exit {process.wait()}) before {marker!r}: {seen.decode()[-2000:]}")
        seen += chunk
    os.killpg(process.pid, signal.SIGINT)
    rest = process.stderr.read()
    process.stderr.close()
    return process.wait(timeout=120), (seen + rest).decode()


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
