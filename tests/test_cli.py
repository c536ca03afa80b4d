"""The commands the README gives, run as a user would: separate processes, real ports, a real data folder."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import dagster as dg
import requests

from tests.conftest import FIXTURE_MIRROR, TEST_USER_AGENT, read_table
from tests.expected_from_xml import expected_from_submission

CLI = [sys.executable, "-m", "orchestration.cli"]


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EDGAR_", "INSIDER_"))}
    return {**env, "INSIDER_DATA_DIR": str(data_dir), **extra}


def test_demo_builds_the_warehouse_from_the_fixture_mirror_and_prints_it(tmp_path: Path):
    done = subprocess.run([*CLI, "demo"], env=environment(tmp_path), capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    served = sorted((FIXTURE_MIRROR / "Archives/edgar/data").glob("*/*.txt"))
    well_formed = [e for e in map(expected_from_submission, served) if e is not None]
    assert read_table(tmp_path, "select count(*) from filings") == [(len(well_formed),)]
    assert re.search(rf"│ filings +┆ {len(well_formed)} ", done.stdout), done.stdout
    assert "http_404" in done.stdout and "xml_malformed" in done.stdout
    assert (tmp_path / "dagster" / "dagster.yaml").is_file()  # the run went through the local Dagster instance
    with dg.DagsterInstance.from_config(str(tmp_path / "dagster")) as instance:
        [run] = instance.get_runs()
        planned = instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
        ).records
        materialized = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    # One planned event per asset for the whole range (not one per day), yet every day of each asset materialized.
    assert len({record.event_log_entry.dagster_event.asset_key for record in planned}) == len(planned)
    assert len(materialized.records) > len(planned)


def test_ingest_without_a_user_agent_says_what_to_set(tmp_path: Path):
    done = subprocess.run(
        [*CLI, "ingest", "--start", "2025-01-02", "--end", "2025-01-02"],
        env=environment(tmp_path, EDGAR_BASE_URL="http://127.0.0.1:9"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "EDGAR_USER_AGENT" in done.stderr and "@" in done.stderr


def started_as_a_scripts_background_job() -> None:
    """SIGINT ignored, as a shell without job control starts `cmd &` (and nohup, cron); SIGTERM ignored too, as a
    parent that ran Dagster in-process under those leaves it (Dagster makes SIGTERM do what SIGINT does)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def test_mirror_command_serves_an_archives_folder_on_loopback_and_stops_on_sigterm(tmp_path: Path):
    server = subprocess.Popen(
        [*CLI, "mirror", str(FIXTURE_MIRROR), "--port", "0"],
        env=environment(tmp_path),
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=started_as_a_scripts_background_job,
    )
    try:
        banner = server.stdout.readline()
        base_url = banner.split(" on ", 1)[1].split()[0]
        assert base_url.startswith("http://127.0.0.1:")
        path = "Archives/edgar/full-index/2025/QTR1/master.idx"
        response = requests.get(f"{base_url}/{path}", headers={"User-Agent": TEST_USER_AGENT}, timeout=10)
        assert response.status_code == 200 and response.content == (FIXTURE_MIRROR / path).read_bytes()
        assert requests.get(f"{base_url}/Archives/../pyproject.toml", timeout=10).status_code == 404
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            raise AssertionError("the mirror did not stop on SIGTERM") from None
