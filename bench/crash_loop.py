"""Kill the ingest run (SIGKILL) at random moments, many times; the warehouse never holds part of a batch.

    .venv/bin/python -m bench.crash_loop --runs 50        # the long mode; the test suite runs 4

Each kill lands wherever it lands: during discovery, a fetch, a DuckDB transaction or the publish. After every
kill the warehouse must open and be whole (each filing with exactly the rows its own counts say); after the last
kill a normal run must finish and give the same tables as an undisturbed run.
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from mirror.server import serve_in_background

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURE_MIRROR = PROJECT_ROOT / "fixtures" / "mirror"
FIRST, LAST = date(2025, 1, 2), date(2025, 1, 10)
WHOLE_FILING_SQL = """
select count(*) from filings
where transaction_count <> (select count(*) from transactions t where t.accession_number = filings.accession_number)
   or holding_count <> (select count(*) from holdings h where h.accession_number = filings.accession_number)
   or owner_count <> (select count(*) from filing_owners o where o.accession_number = filings.accession_number)
   or footnote_count <> (select count(*) from footnotes n where n.accession_number = filings.accession_number)
"""
COMPARED_TABLES = ("filings", "filing_owners", "transactions", "holdings", "footnotes", "positions", "filing_status")


def ingest_command(data_dir: Path, base_url: str) -> tuple[list[str], dict[str, str]]:
    env = {
        **os.environ,
        "INSIDER_DATA_DIR": str(data_dir),
        "EDGAR_BASE_URL": base_url,
        "EDGAR_USER_AGENT": "insider-warehouse crash test crash@example.invalid",
    }
    command = [sys.executable, "-m", "orchestration.cli", "ingest", "--start", str(FIRST), "--end", str(LAST)]
    return command, env


def partial_filings(warehouse: Path) -> int:
    """Filings whose rows do not match their own counts (0 when every batch is whole)."""
    if not warehouse.exists():
        return 0
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = {row[0] for row in connection.sql("select table_name from information_schema.tables").fetchall()}
        if "filings" not in tables:
            return 0
        return connection.sql(WHOLE_FILING_SQL).fetchall()[0][0]
    finally:
        connection.close()


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {table: connection.table(table).order("all").fetchall() for table in COMPARED_TABLES}
    finally:
        connection.close()


def crash_loop(runs: int, work: Path, seed: int = 1, max_delay: float = 8.0) -> dict[str, object]:
    """Kill `runs` ingest runs at random delays, then finish one; compare with an undisturbed run."""
    rng = random.Random(seed)
    crashed, clean = work / "crashed", work / "clean"
    delays = []
    with serve_in_background([FIXTURE_MIRROR]) as mirror:
        for _ in range(runs):
            command, env = ingest_command(crashed, mirror.base_url)
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            delay = rng.uniform(0.2, max_delay)
            delays.append(round(delay, 2))
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            process.wait()
            broken = partial_filings(crashed / "warehouse.duckdb")
            if broken:
                raise AssertionError(f"after a kill at {delay:.2f}s, {broken} filings hold part of their rows")
        for data_dir in (crashed, clean):
            command, env = ingest_command(data_dir, mirror.base_url)
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    same = snapshot(crashed / "warehouse.duckdb") == snapshot(clean / "warehouse.duckdb")
    return {"runs_killed": runs, "kill_delays_s": delays, "final_equals_undisturbed": same}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        outcome = crash_loop(arguments.runs, Path(work), arguments.seed)
    print(outcome)
    return 0 if outcome["final_equals_undisturbed"] else 1


if __name__ == "__main__":
    sys.exit(main())
