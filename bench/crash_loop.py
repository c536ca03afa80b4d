"""Kill a pipeline run (SIGKILL) at random moments, many times; the warehouse never holds part of a batch.

    .venv/bin/python -m bench.crash_loop --runs 50          # the long mode of the nightly ingest; the tests run 4
    .venv/bin/python -m bench.crash_loop --runs 50 --f345   # the same for a history load of generated quarters

Each kill lands wherever it lands: during discovery, a fetch, a DuckDB transaction, the model refresh or the
publish. After every kill the warehouse must open and be whole (each filing with exactly the rows its own counts
say; for the history load, each quarter with all of its data set's filings or none); after the last kill a normal
run must finish and give the same tables as an undisturbed run.
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from bench.terminal import read_to_end, read_until, start_in_terminal
from mirror.server import serve_in_background

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURE_MIRROR = PROJECT_ROOT / "fixtures" / "mirror"
FIRST, LAST = date(2025, 1, 2), date(2025, 1, 10)
# The crash loop's own queries (bench/sql/): filings, and Schedule 13D/G filings, held with part of their rows.
BENCH_SQL = Path(__file__).resolve().parent / "sql"
WHOLE_FILING_SQL = (BENCH_SQL / "filings_held_in_part.sql").read_text(encoding="utf-8")
WHOLE_SCHEDULE13_SQL = (BENCH_SQL / "schedule13_filings_held_in_part.sql").read_text(encoding="utf-8")
COMPARED_TABLES = (
    "filings",
    "filing_owners",
    "transactions",
    "holdings",
    "footnotes",
    "positions",
    "filing_status",
    "schedule13_filings",
    "schedule13_persons",
)


INGEST_ARGUMENTS = ("ingest", "--start", str(FIRST), "--end", str(LAST))
# Small generated quarters for the history load: four quarters load in a few seconds, so kills land everywhere.
F345_QUARTERS = ("2024q1", "2024q2", "2024q3", "2024q4")
F345_SUBMISSIONS = 5_000


@dataclass(frozen=True)
class CrashedJob:
    """What is killed: the command's arguments, the mirror it reads, and the data set filings each quarter holds
    (the history load: a quarter is loaded whole or not at all)."""

    arguments: tuple[str, ...]
    mirror: Path
    quarter_filings: dict[str, int] = field(default_factory=dict)
    # Output from which the kills' delays count (the first run is killed as it appears): kills known to land
    # mid-job, not in the start-up every job shares.
    kill_after: bytes | None = None


def pipeline_command(data_dir: Path, base_url: str, arguments: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    env = {
        **os.environ,
        "INSIDER_DATA_DIR": str(data_dir),
        "EDGAR_BASE_URL": base_url,
        "EDGAR_USER_AGENT": "insider-warehouse crash test crash@example.invalid",
    }
    return [sys.executable, "-m", "orchestration.cli", *arguments], env


def partial_batches(warehouse: Path, quarter_filings: dict[str, int]) -> list[str]:
    """What the warehouse holds part of: filings whose rows do not match their own counts, and quarters of the
    data sets loaded in part (`quarter_filings`: how many filings each holds); none when every batch is whole."""
    if not warehouse.exists():
        return []
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = {row[0] for row in connection.sql("select table_name from information_schema.tables").fetchall()}
        if "filings" not in tables:
            return []
        problems = []
        [(broken,)] = connection.sql(WHOLE_FILING_SQL).fetchall()
        if broken:
            problems.append(f"{broken} filings hold part of their rows")
        if "schedule13_filings" in tables:
            [(broken,)] = connection.sql(WHOLE_SCHEDULE13_SQL).fetchall()
            if broken:
                problems.append(f"{broken} Schedule 13D/G filings hold part of their reporting persons")
        if quarter_filings:
            problems += [
                f"{quarter} holds {count} of its {quarter_filings[quarter]} filings"
                for quarter, count in f345_filings_per_quarter(connection).items()
                if count != quarter_filings[quarter]
            ]
        return problems
    finally:
        connection.close()


def f345_filings_per_quarter(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """How many filings the warehouse holds from each quarter's data set, by quarter."""
    query = "select f345_quarter, count(*) from filing_sources where source = 'f345' group by 1 order by 1"
    return dict(connection.sql(query).fetchall())


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        # Ordered by the key columns every compared table leads with: a list column cannot be sorted on.
        return {
            table: sorted(connection.table(table).fetchall(), key=lambda row: tuple(str(value) for value in row))
            for table in COMPARED_TABLES
        }
    finally:
        connection.close()


def crash_loop(
    runs: int, work: Path, seed: int = 1, max_delay: float = 8.0, job: CrashedJob | None = None
) -> dict[str, object]:
    """Kill `runs` runs of `job` (default: the ingest of the fixture mirror's days) at random delays, then finish
    one; compare with an undisturbed run."""
    job = job or CrashedJob(INGEST_ARGUMENTS, FIXTURE_MIRROR)
    rng = random.Random(seed)
    crashed, clean = work / "crashed", work / "clean"
    delays = []
    with serve_in_background([job.mirror]) as mirror:
        for number in range(runs):
            command, env = pipeline_command(crashed, mirror.base_url, job.arguments)
            if job.kill_after:
                delay = 0.0 if number == 0 else rng.uniform(0.0, max_delay)
            else:
                delay = rng.uniform(0.2, max_delay)
            run_and_kill(command, env, delay, job.kill_after)
            if job.kill_after and number == 0:
                after_marker = loaded_quarters(crashed / "warehouse.duckdb")
            delays.append(round(delay, 2))
            broken = partial_batches(crashed / "warehouse.duckdb", job.quarter_filings)
            if broken:
                raise AssertionError(f"after a kill at {delay:.2f}s: {'; '.join(broken)}")
        for data_dir in (crashed, clean):
            command, env = pipeline_command(data_dir, mirror.base_url, job.arguments)
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    same = snapshot(crashed / "warehouse.duckdb") == snapshot(clean / "warehouse.duckdb")
    outcome = {"runs_killed": runs, "kill_delays_s": delays, "final_equals_undisturbed": same}
    if job.kill_after:
        outcome["quarters_loaded_after_the_first_kill"] = after_marker
    return outcome


def run_and_kill(command: list[str], env: dict[str, str], delay: float, marker: bytes | None = None) -> None:
    """Run `command` and SIGKILL it `delay` seconds after it starts or, given a `marker`, after its progress bars (on
    a terminal of its own) show it; the rest of that output is drained, so that a full buffer never holds it up."""
    if marker is None:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        return
    process, terminal = start_in_terminal(command, env)
    try:
        read_until(process, terminal, marker)
        drain = threading.Thread(target=read_to_end, args=(terminal,), daemon=True)
        drain.start()
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        drain.join()
    finally:
        os.close(terminal)


def loaded_quarters(warehouse: Path) -> list[str]:
    """The quarters the warehouse holds data set filings of."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return list(f345_filings_per_quarter(connection))
    finally:
        connection.close()


def f345_job(work: Path) -> CrashedJob:
    """A history load of `F345_QUARTERS`, generated small and served as zips at the data sets' path."""
    from bench.f345_generate import generate_quarter, zip_quarter
    from transforms.f345.files import DATA_SET_FOLDERS

    mirror = work / "f345-mirror"
    zips = mirror / DATA_SET_FOLDERS[0].strip("/")
    zips.mkdir(parents=True)
    filings = {}
    for number, label in enumerate(F345_QUARTERS):
        folder = work / "f345-quarters" / label
        filings[label] = generate_quarter(folder, label, F345_SUBMISSIONS, issuers=200, seed=number)["SUBMISSION"]
        zip_quarter(folder, zips, label)
    arguments = ("f345", "--start", F345_QUARTERS[0], "--end", F345_QUARTERS[-1])
    # The progress bar after the second quarter's commit: the first kill lands as the third loads.
    return CrashedJob(arguments, mirror, filings, kill_after=f"| 2/{len(F345_QUARTERS)}".encode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--f345", action="store_true", help="kill history loads of generated quarters instead")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        if arguments.f345:  # delays count from the second quarter's commit: the rest of the run takes ~4 s
            outcome = crash_loop(arguments.runs, Path(work), arguments.seed, max_delay=4.0, job=f345_job(Path(work)))
        else:
            outcome = crash_loop(arguments.runs, Path(work), arguments.seed)
    print(outcome)
    return 0 if outcome["final_equals_undisturbed"] else 1


if __name__ == "__main__":
    sys.exit(main())
