"""A long run under faults: a generated quarter served by a mirror that throttles, resets, stalls, truncates and
corrupts at the given rates; every listed filing must end loaded or recorded, and a clean rerun must load them all.

    .venv/bin/python -m bench.fault_soak --filings 5000 --days 5      # the long mode; the test suite runs 12 filings

Unlike the suite's test, this goes through the command line, with concurrent fetching and the real rate limiter's
code path (at a loopback rate), so faults land on requests that are in flight together.
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from bench.generate import generate
from mirror.server import FaultPlan, serve_in_background
from orchestration.sql_files import query_sql_file

DEFAULT_RATES = {
    "429": 0.03,
    "429_no_retry_after": 0.02,
    "503": 0.03,
    "reset": 0.02,
    "stall": 0.005,
    "truncate": 0.03,
    "corrupt_xml": 0.03,
}


def ingest(data_dir: Path, base_url: str, first: str, last: str, may_fail: bool = False) -> int:
    """Run the CLI's ingest; its exit status. Under faults a run may fail (1: a day's index could not be read, the
    rest loaded); any other status, or a failure on a clean mirror, stops the soak."""
    env = {
        **os.environ,
        "INSIDER_DATA_DIR": str(data_dir),
        "EDGAR_BASE_URL": base_url,
        "EDGAR_USER_AGENT": "insider-warehouse fault soak soak@example.invalid",
        "EDGAR_REQUESTS_PER_SECOND": "2000",
    }
    command = [sys.executable, "-m", "orchestration.cli", "ingest", "--start", first, "--end", last]
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0 and not (may_fail and done.returncode == 1):
        raise RuntimeError(f"ingest exited {done.returncode}: {done.stderr[-2000:]}")
    return done.returncode


def counts(data_dir: Path) -> dict[str, int]:
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        [(listed, loaded, open_failures)] = query_sql_file(connection, "queries/ingest_outcome_counts.sql").fetchall()
        unaccounted = len(query_sql_file(connection, "queries/unaccounted_filings.sql").fetchall())
    finally:
        connection.close()
    return {"listed": listed, "loaded": loaded, "open_failures": open_failures, "unaccounted": unaccounted}


def soak(filings: int, days: int, rates: dict[str, float], seed: int, work: Path) -> dict[str, object]:
    mirror = work / "mirror"
    calendar = generate(mirror, filings, days=days)
    first, last = str(calendar[0]), str(calendar[-1])
    data_dir = work / "data"
    faults = FaultPlan(rates=rates, retry_after="0", seed=seed, stall_seconds=2.0)
    with serve_in_background([mirror], faults=faults) as faulty:
        faulty_exit = ingest(data_dir, faulty.base_url, first, last, may_fail=True)
        statuses = sorted({int(seen.status) for seen in faulty.seen})
    under_faults = counts(data_dir)
    with serve_in_background([mirror]) as clean:
        ingest(data_dir, clean.base_url, first, last)
    after_rerun = counts(data_dir)
    healed = after_rerun["loaded"] == filings and after_rerun["open_failures"] == 0
    return {
        "statuses_served": statuses,
        "exit_status_under_faults": faulty_exit,
        "under_faults": under_faults,
        "after_clean_rerun": after_rerun,
        "ok": under_faults["unaccounted"] == 0 and after_rerun["unaccounted"] == 0 and healed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filings", type=int, default=5000)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--fault-rate",
        action="append",
        default=[],
        metavar="KIND=RATE",
        help=f"override a fault rate (kinds: {', '.join(DEFAULT_RATES)})",
    )
    arguments = parser.parse_args()
    rates = dict(DEFAULT_RATES)
    for item in arguments.fault_rate:
        kind, _, rate = item.partition("=")
        if kind not in DEFAULT_RATES:
            parser.error(f"unknown fault kind {kind!r}")
        rates[kind] = float(rate)
    with tempfile.TemporaryDirectory() as work:
        outcome = soak(arguments.filings, arguments.days, rates, arguments.seed, Path(work))
    print(outcome)
    return 0 if outcome["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
