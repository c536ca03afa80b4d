"""`insider-warehouse`: serve a mirror, ingest days, run the offline demo, print what was loaded."""

import argparse
import os
import shutil
import sys
import warnings
from datetime import date, timedelta
from pathlib import Path

import dagster as dg

from orchestration.resources import DEFAULT_DATA_DIR
from orchestration.summary import format_summary, warehouse_summary
from transforms.discovery import PUBLISH_GRACE_DAYS
from transforms.edgar_client import MissingUserAgentError, validate_user_agent

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_MIRROR = PROJECT_ROOT / "fixtures" / "mirror"
# The demo fixtures' days: a week with a weekend and the 2025-01-09 national day of mourning (EDGAR closed).
DEMO_FIRST_DAY = date(2025, 1, 2)
DEMO_LAST_DAY = date(2025, 1, 10)
DEMO_USER_AGENT = "insider-warehouse demo demo@example.invalid"
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
# Dagster's switch for one "materialization planned" event per asset of a ranged run, not one per day and asset:
# a 62-day backfill wrote 987 of them to the sqlite event log at 10 ms each before its first step. What it gives
# up is Dagster marking each day of a failed run's range as failed; the warehouse records every failure anyway
# (ingest_failures), and the next run retries it.
PLANNED_EVENTS_AS_RANGES = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"


def data_dir() -> Path:
    return Path(os.environ.get("INSIDER_DATA_DIR") or DEFAULT_DATA_DIR).resolve()


def dagster_instance() -> dg.DagsterInstance:
    """The local Dagster instance under data/dagster, so CLI runs show up in `dagster dev`."""
    home = data_dir() / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    return dg.DagsterInstance.from_config(str(home))


def ingest(first: date, last: date) -> bool:
    """Run the ingest job over [first, last] as one single-run backfill; True when it succeeded."""
    from orchestration.definitions import defs

    validate_user_agent(os.environ.get("EDGAR_USER_AGENT"))
    os.environ.setdefault(PLANNED_EVENTS_AS_RANGES, "1")
    job = defs.resolve_job_def("ingest_edgar_days")
    tags = {
        "dagster/asset_partition_range_start": first.isoformat(),
        "dagster/asset_partition_range_end": last.isoformat(),
    }
    with dagster_instance() as instance:
        result = job.execute_in_process(instance=instance, tags=tags, run_config=QUIET_LOGS, raise_on_error=False)
    return result.success


def print_summary() -> None:
    path = data_dir() / "warehouse.duckdb"
    print(format_summary(path, warehouse_summary(path)))


def run_demo(port: int) -> int:
    """Serve the project's fixture mirror on loopback and ingest its days, then summarise."""
    from mirror.server import serve_in_background

    os.environ.setdefault("EDGAR_USER_AGENT", DEMO_USER_AGENT)
    with serve_in_background([DEMO_MIRROR], port=port) as server:
        os.environ["EDGAR_BASE_URL"] = server.base_url
        print(f"EDGAR mirror of {DEMO_MIRROR.relative_to(PROJECT_ROOT)} on {server.base_url}", file=sys.stderr)
        ok = ingest(DEMO_FIRST_DAY, DEMO_LAST_DAY)
    print_summary()
    return 0 if ok else 1


def serve_mirror(roots: list[Path], port: int, fault_rates: list[str], fault_seed: int) -> int:
    from mirror.server import FaultPlan, MirrorServer

    rates = {}
    for setting in fault_rates:
        kind, _, rate = setting.partition("=")
        rates[kind] = float(rate)
    server = MirrorServer(roots or [DEMO_MIRROR], port=port, faults=FaultPlan(rates=rates, seed=fault_seed))
    print(f"EDGAR mirror on {server.base_url} (Ctrl-C stops it); set EDGAR_BASE_URL={server.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _day(text: str) -> date:
    return date.fromisoformat(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="insider-warehouse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="offline: serve fixtures/mirror on loopback, ingest its days, summarise")
    demo.add_argument("--port", type=int, default=0, help="mirror port (default: any free port)")
    ingest_command = commands.add_parser("ingest", help="ingest EDGAR days (live unless EDGAR_BASE_URL is set)")
    ingest_command.add_argument("--start", type=_day, help="first day, YYYY-MM-DD (default: the nightly window)")
    ingest_command.add_argument("--end", type=_day, help="last day, YYYY-MM-DD (default: yesterday)")
    serve = commands.add_parser("mirror", help="serve EDGAR-layout folders on 127.0.0.1")
    serve.add_argument("roots", nargs="*", type=Path, help="folders holding Archives/ (first match wins)")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument(
        "--fault-rate",
        action="append",
        default=[],
        metavar="KIND=RATE",
        help="inject faults: 429, 429_no_retry_after, 503, reset, stall, truncate, corrupt_xml (e.g. 503=0.05)",
    )
    serve.add_argument("--fault-seed", type=int, default=0)
    commands.add_parser("summary", help="print what the warehouse holds")
    commands.add_parser("dictionary", help="regenerate docs/data_dictionary.md from the schema and model files")
    report = commands.add_parser("coverage", help="list every XML element path in filings and where it lands")
    report.add_argument("paths", nargs="+", type=Path, help="ownership .xml files, submissions (.txt/.nc), folders")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    warnings.filterwarnings("ignore", category=dg.BetaWarning)  # single-run backfill policy is beta, and chosen
    try:
        if arguments.command == "demo":
            return run_demo(arguments.port)
        if arguments.command == "mirror":
            return serve_mirror(arguments.roots, arguments.port, arguments.fault_rate, arguments.fault_seed)
        if arguments.command == "dictionary":
            from orchestration.data_dictionary import write_dictionary

            print(f"wrote {write_dictionary()}")
            return 0
        if arguments.command == "coverage":
            from orchestration.coverage_report import run_coverage

            text, unmapped = run_coverage(arguments.paths)
            print(text)
            return 1 if unmapped else 0
        if arguments.command == "summary":
            print_summary()
            return 0
        last = arguments.end or date.today() - timedelta(days=1)
        first = arguments.start or last - timedelta(days=PUBLISH_GRACE_DAYS - 1)
        ok = ingest(first, last)
        print_summary()
        return 0 if ok else 1
    except MissingUserAgentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
