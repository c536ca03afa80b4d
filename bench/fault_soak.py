"""A long run under faults: a generated week served by a mirror that throttles, resets, stalls, truncates and
corrupts at the given rates; every listed filing must end loaded or recorded, and a clean rerun must load them all.
Then the same week through the latest-filings feed: `watch --once` polled hour by hour while the feed also answers
pages that are not the feed and stalls, some runs killed mid-way; the nightly over the week after it, as in
production the authority, must leave every filing loaded once and published, and nothing unpublished.

    .venv/bin/python -m bench.fault_soak --filings 5000 --days 5      # the long mode (make fault-soak)

Unlike the suite's tests, this goes through the command line, with concurrent fetching and the real rate limiter's
code path (at a loopback rate), so faults land on requests that are in flight together.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path

import duckdb

from bench.crash_loop import run_and_kill
from bench.generate import generate
from mirror.feed import FeedClock, FeedFaults, MirroredFeed, held_filings
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


# The soak's own queries: how an ingest ended (bench/sql/).
BENCH_SQL = Path(__file__).resolve().parent / "sql"
OUTCOME_COUNTS = str(BENCH_SQL / "ingest_outcome_counts.sql")
UNACCOUNTED_FILINGS = str(BENCH_SQL / "unaccounted_filings.sql")

# What the feed answers besides the server's faults: pages that are not the feed, and stalls past a poll's deadline.
DEFAULT_FEED_RATES = {"html": 0.03, "garbage": 0.02, "empty": 0.02, "stall": 0.003}


def cli_env(data_dir: Path, base_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "INSIDER_DATA_DIR": str(data_dir),
        "EDGAR_BASE_URL": base_url,
        "EDGAR_USER_AGENT": "insider-warehouse fault soak soak@example.invalid",
        "EDGAR_REQUESTS_PER_SECOND": "2000",
    }


def cli(data_dir: Path, base_url: str, *arguments: str, may_fail: bool = False) -> int:
    """Run an `insider-warehouse` command; its exit status. Under faults a run may fail (1: a day's index or the
    feed could not be read, the rest kept); any other status, or a failure on a clean mirror, stops the soak."""
    command = [sys.executable, "-m", "orchestration.cli", *arguments]
    env = cli_env(data_dir, base_url)
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0 and not (may_fail and done.returncode == 1):
        raise RuntimeError(f"{' '.join(arguments)} exited {done.returncode}: {done.stderr[-2000:]}")
    return done.returncode


def ingest(data_dir: Path, base_url: str, first: str, last: str, may_fail: bool = False) -> int:
    return cli(data_dir, base_url, "ingest", "--start", first, "--end", last, may_fail=may_fail)


def counts(data_dir: Path) -> dict[str, int]:
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        [(listed, loaded, open_failures)] = query_sql_file(connection, OUTCOME_COUNTS).fetchall()
        unaccounted = len(query_sql_file(connection, UNACCOUNTED_FILINGS).fetchall())
    finally:
        connection.close()
    return {"listed": listed, "loaded": loaded, "open_failures": open_failures, "unaccounted": unaccounted}


def feed_counts(data_dir: Path) -> dict[str, int]:
    """Filings held (and any held twice) in the writer and the read copy, and the writer's unpublished work."""
    from orchestration.writer_state import writer_state

    found: dict[str, int] = {}
    for name, path in (
        ("writer", data_dir / "warehouse.duckdb"),
        ("read_copy", data_dir / "published" / "warehouse.duckdb"),
    ):
        connection = duckdb.connect(str(path), read_only=True)
        try:
            [(held, doubled)] = connection.sql(
                "select count(distinct accession_number), count(*) - count(distinct accession_number) from filings"
            ).fetchall()
        finally:
            connection.close()
        found[f"{name}_filings"], found[f"{name}_doubled"] = held, doubled
    found["unpublished"] = int(writer_state(data_dir / "warehouse.duckdb").unpublished)
    return found


def feed_soak(
    mirror: Path,
    calendar: list,
    rates: dict[str, float],
    feed_rates: dict[str, float],
    seed: int,
    work: Path,
    step_hours: float = 2.0,
    kill_rate: float = 0.2,
) -> dict[str, object]:
    """The week through the feed under faults, polled `step_hours` of the feed's clock apart, a share `kill_rate` of
    the polls SIGKILLed at a random moment; then the nightly over the week, on a clean mirror."""
    data_dir = work / "feed-data"
    rng = random.Random(seed)
    feed_faults = FeedFaults(rates=feed_rates, seed=seed, stall_seconds=60.0)
    moment = datetime.combine(calendar[0], time(9))
    end = datetime.combine(calendar[-1], time(18))
    feed = MirroredFeed(held_filings([mirror]), FeedClock(moment, speed=0.0), feed_faults)
    faults = FaultPlan(rates=rates, retry_after="0", seed=seed, stall_seconds=2.0)
    exits: dict[str, int] = {}
    killed = 0
    with serve_in_background([mirror], faults=faults, feed=feed) as faulty:
        while moment < end:
            moment += timedelta(hours=step_hours)
            feed.clock.advance_to(moment)
            if rng.random() < kill_rate:
                command = [sys.executable, "-m", "orchestration.cli", "watch", "--once"]
                run_and_kill(command, cli_env(data_dir, faulty.base_url), rng.uniform(2.0, 8.0))
                killed += 1
            status = cli(data_dir, faulty.base_url, "watch", "--once", may_fail=True)
            exits[str(status)] = exits.get(str(status), 0) + 1
    under_faults = feed_counts(data_dir)
    with serve_in_background([mirror]) as clean:
        ingest(data_dir, clean.base_url, str(calendar[0]), str(calendar[-1]))
    after_nightly = feed_counts(data_dir)
    filings = len(held_filings([mirror]))
    return {
        "feed_polls_exits": exits,
        "feed_runs_killed": killed,
        "feed_under_faults": under_faults,
        "feed_after_nightly": after_nightly,
        "feed_ok": after_nightly["read_copy_filings"] == filings
        and after_nightly["writer_filings"] == filings
        and not after_nightly["read_copy_doubled"]
        and not after_nightly["unpublished"]
        and not under_faults["writer_doubled"],
    }


def soak(
    filings: int, days: int, rates: dict[str, float], seed: int, work: Path, feed_rates: dict[str, float] | None = None
) -> dict[str, object]:
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
    outcome: dict[str, object] = {
        "statuses_served": statuses,
        "exit_status_under_faults": faulty_exit,
        "under_faults": under_faults,
        "after_clean_rerun": after_rerun,
        "ok": under_faults["unaccounted"] == 0 and after_rerun["unaccounted"] == 0 and healed,
    }
    if feed_rates is not None:
        outcome |= feed_soak(mirror, calendar, rates, feed_rates, seed, work)
        outcome["ok"] = outcome["ok"] and outcome["feed_ok"]
    return outcome


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
    parser.add_argument("--no-feed", action="store_true", help="only the index path, not the feed after it")
    arguments = parser.parse_args()
    rates = dict(DEFAULT_RATES)
    for item in arguments.fault_rate:
        kind, _, rate = item.partition("=")
        if kind not in DEFAULT_RATES:
            parser.error(f"unknown fault kind {kind!r}")
        rates[kind] = float(rate)
    with tempfile.TemporaryDirectory() as work:
        feed_rates = None if arguments.no_feed else dict(DEFAULT_FEED_RATES)
        outcome = soak(arguments.filings, arguments.days, rates, arguments.seed, Path(work), feed_rates)
    print(outcome)
    return 0 if outcome["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
