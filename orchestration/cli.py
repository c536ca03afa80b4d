"""`insider-warehouse`: serve a mirror, ingest days, run the offline demo, print what was loaded."""

import argparse
import os
import shlex
import shutil
import signal
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import NoReturn

import dagster as dg
import polars as pl

from orchestration.data_folder import DataFolder
from orchestration.history_load import F345_JOB
from orchestration.migrations import Migration, SchemaTooNewError
from orchestration.run_logging import RUN_WARNINGS_LOGGER
from orchestration.run_profile import record_step_times
from orchestration.run_window import new_york_today, nightly_window_of
from orchestration.settings import (
    DEFAULT_FEED_INTERVAL_SECONDS,
    MEMORY_LIMIT_VARIABLE,
    SettingError,
    Settings,
    check_day_range,
    check_seconds,
    check_writable_folder,
    read_settings,
)
from orchestration.sources.current_feed.watch import INTERRUPTED_EXIT_STATUS, FeedWatch, keep_watching
from orchestration.summary import WarehouseTooOldError, format_summary, warehouse_summary
from orchestration.warehouse_connection import (
    WarehouseLockedError,
    WarehouseMissingError,
    WarehouseUnreadableError,
    history_memory_limit,
    kept_open,
)
from transforms.alert_messages import parse_since, since_moment
from transforms.backfill_plan import DEFAULT_DAYS_PER_RUN, PRE_DATA_SET_FIRST_DAY, PRE_DATA_SET_LAST_DAY
from transforms.f345.files import FIRST_QUARTER
from transforms.quarters import last_finished_quarter, quarter_label, quarter_start

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_MIRROR = PROJECT_ROOT / "fixtures" / "mirror"
# The local Dagster instance's settings (telemetry off, one run at a time), copied to data/dagster/dagster.yaml.
INSTANCE_TEMPLATE = Path(__file__).resolve().parent / "instance.yaml"
# The demo fixtures' days: a week with a weekend and the 2025-01-09 national day of mourning (EDGAR closed).
DEMO_FIRST_DAY = date(2025, 1, 2)
DEMO_LAST_DAY = date(2025, 1, 10)
DEMO_USER_AGENT = "insider-warehouse demo demo@example.invalid"
# The steps' warnings, one line each, instead of Dagster's console logger (orchestration/run_logging.py).
QUIET_LOGS = {"loggers": {RUN_WARNINGS_LOGGER: {}}}
# Dagster's switch for one "materialization planned" event per asset of a ranged run, not one per day and asset:
# a long backfill wrote hundreds of them to the sqlite event log before its first step (docs/performance.md). What
# it gives up is Dagster marking each day of a failed run's range as failed; the warehouse records every failure
# anyway (ingest_failures), and the next run retries it.
PLANNED_EVENTS_AS_RANGES = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"


class OneLineArgumentParser(argparse.ArgumentParser):
    """argparse, but a mistake is refused in one line that says where to look, not a usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class RunFailedError(RuntimeError):
    """A run that ended in failure; its message is the paragraph(s) saying why and what to do next."""


class RunInterruptedError(RuntimeError):
    """A run stopped by Ctrl-C (SIGINT); its message is the command that finishes it."""


# What a step reports when Ctrl-C reached it: Dagster's wrapper of the KeyboardInterrupt it caught.
_INTERRUPTED_ERRORS = frozenset({"DagsterExecutionInterruptedError", "KeyboardInterrupt"})


def published_path(settings: Settings) -> Path:
    """The read copy analysts open (replaced atomically by each successful run)."""
    return DataFolder(settings.data_dir).published


# A command's runs keep no copy of the steps' stdout and stderr: the local compute log manager mirrors them through
# `tail` and a Python watcher process, which share the terminal's process group, so Ctrl-C printed their tracebacks,
# and the progress bars' stderr became a file (never a terminal). The run's events stay in the instance for the UI.
NO_COMPUTE_LOGS = {
    "compute_logs": {"module": "dagster._core.storage.noop_compute_log_manager", "class": "NoOpComputeLogManager"}
}


def dagster_instance(settings: Settings) -> dg.DagsterInstance:
    """The local Dagster instance under data/dagster, so CLI runs show up in `dagster dev`."""
    from dagster._core.instance.ref import InstanceRef

    home = DataFolder(settings.data_dir).dagster_home
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(INSTANCE_TEMPLATE, home / "dagster.yaml")
    return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home), overrides=NO_COMPUTE_LOGS))


def run_job(
    settings: Settings,
    job_name: str,
    first_key: str | None,
    last_key: str | None,
    rerun: str,
    ops_config: dict | None = None,
    extra_tags: dict[str, str] | None = None,
) -> dg.ExecuteInProcessResult:
    """Run a job over the partitions [first_key, last_key] as one single-run backfill (an unpartitioned job: both
    None) and return it; RunFailedError says why it failed, RunInterruptedError that Ctrl-C stopped it (`rerun` is
    the command that finishes it). The warehouse is opened (waiting for its lock, saying for whom) and migrated
    before the run starts, and stays open for it: the run's steps share this instance, and its resources are made
    from `settings`."""
    from orchestration.definitions import defs
    from orchestration.resources import resources_for
    from orchestration.runs_report import mark_killed_runs, process_tags

    settings.with_user_agent()
    job = defs.resolve_job_def(job_name)
    tags = dict(extra_tags or {}) | process_tags()
    if first_key is not None and last_key is not None:
        tags |= {"dagster/asset_partition_range_start": first_key, "dagster/asset_partition_range_end": last_key}
    warehouse = DataFolder(settings.data_dir).warehouse
    with kept_open(warehouse, history_load=job_name == F345_JOB):
        migrate_warehouse(warehouse)
        with dagster_instance(settings) as instance:
            mark_killed_runs(instance)
            run_config = QUIET_LOGS | ({"ops": ops_config} if ops_config else {})
            try:
                result = job.execute_in_process(
                    instance=instance,
                    tags=tags,
                    run_config=run_config,
                    resources=resources_for(settings),
                    raise_on_error=False,
                )
            except KeyboardInterrupt:
                raise RunInterruptedError(rerun) from None
    record_step_times(result.all_events)
    if not result.success:
        if was_interrupted(result):
            raise RunInterruptedError(rerun)
        raise RunFailedError(f"{failure_paragraphs(result)} {RUNS_POINTER}")
    return result


def was_interrupted(result: dg.ExecuteInProcessResult) -> bool:
    """True when a step failed because Ctrl-C reached it (Dagster turns the KeyboardInterrupt into a step failure)."""
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        while error is not None:
            if error.cls_name in _INTERRUPTED_ERRORS:
                return True
            error = error.cause
    return False


def ingest(settings: Settings, first: date, last: date) -> None:
    """The ingest job over the days [first, last]."""
    os.environ.setdefault(PLANNED_EVENTS_AS_RANGES, "1")
    rerun = f"insider-warehouse ingest --start {first} --end {last}"
    run_job(settings, "ingest_edgar_days", first.isoformat(), last.isoformat(), rerun)


def say_history_memory_limit(settings: Settings) -> None:
    """Tell the user which DuckDB memory limit a history load runs under, when it is the load's own default."""
    if settings.memory_limit is not None:
        return
    print(
        f"insider-warehouse: loading under a DuckDB memory limit of {history_memory_limit()}, which keeps a "
        f"whole history within 4 GB (set {MEMORY_LIMIT_VARIABLE} for another)",
        file=sys.stderr,
    )


def load_quarters(settings: Settings, first: str, last: str, verify: int = 0) -> None:
    """load_f345_quarters over the quarters [first, last] (each quarter its own transaction); with `verify`, that
    many filings of each quarter fetched from EDGAR to measure agreement."""
    config = {"f345_quarter": {"config": {"verify": verify}}} if verify else None
    say_history_memory_limit(settings)
    rerun = f"insider-warehouse f345 --start {first} --end {last}" + (f" --verify {verify}" if verify else "")
    run_job(settings, F345_JOB, quarter_start(first).isoformat(), quarter_start(last).isoformat(), rerun, config)


def check_quarter_range(first: str, last: str, today: date) -> None:
    """Refuse a range of quarters that is reversed, before the first data set or after the current quarter."""
    if quarter_start(first) > quarter_start(last):
        raise SettingError(
            f"--start {first} is after --end {last}; the start must not be after the end (e.g. --start {last})"
        )
    if quarter_start(first) < FIRST_QUARTER:
        raise SettingError(
            f"--start {first} is before 2006q1, the first Form 345 data set; earlier years come from the index "
            "backfill (insider-warehouse ingest), e.g. --start 2006q1"
        )
    if quarter_start(last) > today:
        raise SettingError(
            f"--end {last} has not begun; the latest is the current quarter, e.g. --end {quarter_label(today)}"
        )


def run_backfill_command(arguments: argparse.Namespace, settings: Settings) -> int:
    """Estimate the backfill, say so, then (without --estimate) run it a month at a time from the first month
    not done."""
    from orchestration.resources import resources_for
    from orchestration.sources.edgar_daily.backfill import estimate_backfill, run_backfill

    check_day_range(arguments.start, arguments.end, new_york_today())
    resources = resources_for(settings.with_user_agent())
    storage, edgar = resources["storage"], resources["edgar"]
    planned, per_day = estimate_backfill(storage, edgar, arguments.start, arguments.end)
    print(f"insider-warehouse: backfill {planned.describe()}")
    if arguments.estimate:
        return 0
    runs = run_backfill(
        storage,
        arguments.start,
        arguments.end,
        arguments.days_per_run,
        per_day,
        lambda first, last: ingest(settings, first, last),
    )
    print(f"insider-warehouse: backfill done ({runs} runs; the days already loaded were skipped)")
    print_summary(settings)
    return 0


# The last words of a failed run's paragraph: where an operator without the Dagster UI sees runs and what they left.
RUNS_POINTER = "Recent runs and the failures they left open: insider-warehouse runs."
# Errors a step may raise that say what to do in their own words: told as they are, not as a bug.
_USER_ERRORS = frozenset({WarehouseLockedError.__name__, WarehouseUnreadableError.__name__, SettingError.__name__})


def failure_paragraphs(result: dg.ExecuteInProcessResult) -> str:
    """What failed, in the words of each failed step: a dg.Failure's description is meant for the user; any other
    error is a bug, told in one line with where its traceback is kept."""
    paragraphs = []
    for event in result.get_step_failure_events():
        data = event.step_failure_data
        if data.user_failure_data is not None and data.user_failure_data.description:
            paragraphs.append(data.user_failure_data.description)
            continue
        error = data.error
        cause = error.cause if error is not None and error.cause is not None else error
        message = cause.message.strip() if cause is not None else "unknown error"
        if cause is not None and cause.cls_name in _USER_ERRORS:
            paragraphs.append(message.split(": ", 1)[-1])
            continue
        paragraphs.append(
            f"step {event.step_key} failed unexpectedly: {message.splitlines()[0]} This is a bug; its traceback is "
            f"in the Dagster run {result.run_id} (make dev shows it). Nothing partial was kept: rerun to retry."
        )
    return "\n\n".join(paragraphs) or f"the run {result.run_id} failed (make dev shows its log)"


def migrate_warehouse(path: Path) -> list[Migration]:
    """Bring the warehouse to this release's schema, saying which migrations ran; returns them."""
    from orchestration.warehouse_connection import connect, ensure_schema

    connection = connect(path)
    try:
        applied = ensure_schema(connection)
    finally:
        connection.close()
    for migration in applied:
        print(f"migrated {path} to schema version {migration.version} ({migration.name})", file=sys.stderr)
    return applied


def run_migrate(settings: Settings) -> int:
    """`migrate`: the warehouse and its read copy to this release's schema, saying what ran or that nothing did."""
    from orchestration.migrations import latest_version
    from orchestration.publish import migrate_read_copy

    path = DataFolder(settings.data_dir).warehouse
    applied = migrate_warehouse(path)
    read_copy = published_path(settings)
    copy_applied = migrate_read_copy(read_copy)
    for migration in copy_applied:
        print(f"migrated the read copy {read_copy} to schema version {migration.version} ({migration.name})")
    if not applied and not copy_applied:
        print(f"{path}: schema version {latest_version()}, nothing to migrate")
    return 0


def print_summary(settings: Settings, private: bool = False) -> None:
    """The summary of the published read copy (or, with `private`, of the writer's own file)."""
    path = DataFolder(settings.data_dir).warehouse if private else published_path(settings)
    if not path.exists():
        raise WarehouseMissingError(f"there is no warehouse at {path} yet: run `make demo` or `make run` first")
    print(format_summary(path, warehouse_summary(path)))


def print_runs(settings: Settings, limit: int) -> int:
    """The recent runs of the local Dagster instance (`orchestration/runs_report.py`)."""
    from sqlalchemy.exc import SQLAlchemyError

    from orchestration.runs_report import format_runs, recent_runs

    folder = DataFolder(settings.data_dir)
    if not (folder.dagster_home / "dagster.yaml").exists():
        print(format_runs(pl.DataFrame(), ""))
        return 0
    try:
        with dagster_instance(settings) as instance:
            runs, counted_in = recent_runs(instance, folder.warehouse, folder.published, limit)
    except (SQLAlchemyError, OSError) as error:
        said = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise RunFailedError(
            f"the run records under {folder.dagster_home} cannot be opened here ({said}): Dagster opens its SQLite "
            "files for writing even to list runs, so the folder must be writable by you. Run it as the user that "
            "runs the pipeline, or see the runs in the Dagster UI (make dev)."
        ) from None
    print(format_runs(runs, counted_in))
    return 0


def demo_settings(settings: Settings, base_url: str) -> Settings:
    """The settings of a demo: EDGAR is the loopback mirror at `base_url`, asked as the demo when no User-Agent is
    set."""
    return replace(settings, base_url=base_url, user_agent=settings.user_agent or DEMO_USER_AGENT)


def run_demo(settings: Settings, port: int) -> int:
    """Serve the project's fixture mirror on loopback and ingest its days, then summarise."""
    from mirror.server import serve_in_background

    with serve_in_background([DEMO_MIRROR], port=port) as server:
        print(f"EDGAR mirror of {DEMO_MIRROR.relative_to(PROJECT_ROOT)} on {server.base_url}", file=sys.stderr)
        ingest(demo_settings(settings, server.base_url), DEMO_FIRST_DAY, DEMO_LAST_DAY)
    print_summary(settings)
    return 0


# The feed demo: its own data folder under the data folder (made anew each time, so every filing arrives), the
# fixture mirror's filings listed one every FEED_DEMO_SPACING_SECONDS from its start, polled every
# FEED_DEMO_INTERVAL_SECONDS: eleven filings in about three minutes.
FEED_DEMO_FOLDER = "feed-demo"
FEED_DEMO_SPACING_SECONDS = 15.0
FEED_DEMO_INTERVAL_SECONDS = 10.0


def run_feed_demo(settings: Settings, port: int) -> int:
    """Offline, the day as it happens: the fixture mirror's filings listed in its latest-filings feed as if EDGAR
    accepted them now, a few seconds apart, polled, loaded and published as `watch` does; then the summary with
    their time from acceptance to the read copy."""
    from zoneinfo import ZoneInfo

    from mirror.feed import FeedClock, MirroredFeed, held_filings, replayed
    from mirror.server import serve_in_background
    from orchestration.partitions import EDGAR_TIMEZONE

    folder = settings.data_dir / FEED_DEMO_FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    start = datetime.now(ZoneInfo(EDGAR_TIMEZONE)).replace(tzinfo=None, microsecond=0)
    filings = replayed(held_filings([DEMO_MIRROR]), start, FEED_DEMO_SPACING_SECONDS)
    feed = MirroredFeed(filings, FeedClock(start))
    minutes = (filings[-1].accepted_at - start).total_seconds() / 60
    with serve_in_background([DEMO_MIRROR], port=port, feed=feed) as server:
        print(
            f"EDGAR mirror of {DEMO_MIRROR.relative_to(PROJECT_ROOT)} on {server.base_url}: its feed lists its "
            f"{len(filings)} filings one every {FEED_DEMO_SPACING_SECONDS:.0f} s, as if accepted now; polling every "
            f"{FEED_DEMO_INTERVAL_SECONDS:.0f} s into {folder} for about {minutes:.0f} min",
            file=sys.stderr,
        )
        demo = replace(demo_settings(settings, server.base_url), data_dir=folder)
        watch = feed_watch(demo, FEED_DEMO_INTERVAL_SECONDS, "insider-warehouse demo --feed")
        keep_watching(watch, is_last_poll=lambda: feed.clock.now() >= filings[-1].accepted_at)
    print_summary(demo)
    return 0


def feed_watch(settings: Settings, interval_seconds: float, rerun: str) -> FeedWatch:
    """What `watch` and the feed demo poll with, the warehouse migrated first; `rerun` finishes an interrupted run."""
    from orchestration.resources import resources_for
    from orchestration.sources.current_feed.poll import FEED_JOB

    resources = resources_for(settings.with_user_agent())
    storage = resources["storage"]
    migrate_warehouse(storage.warehouse_path)

    def run_feed(config: dict, tags: dict[str, str]) -> dg.ExecuteInProcessResult:
        return run_job(settings, FEED_JOB, None, None, rerun, config, tags)

    return FeedWatch(
        storage.warehouse_path, resources["edgar"].client(storage), interval_seconds, run_feed, settings.alert_webhook
    )


def serve_mirror(arguments: argparse.Namespace) -> int:
    """Serve EDGAR-layout folders on loopback, with injected faults and, with --feed-from, the latest-filings feed
    of the filings they hold, each listed from its acceptance time on a clock --feed-speed times as fast as real."""
    from mirror.feed import FeedClock, FeedFaults, MirroredFeed, held_filings
    from mirror.server import FaultPlan, MirrorServer

    roots = arguments.roots or [DEMO_MIRROR]
    try:
        faults = FaultPlan(rates=_rates(arguments.fault_rate, "--fault-rate"), seed=arguments.fault_seed)
        feed_faults = FeedFaults(
            rates=_rates(arguments.feed_fault_rate, "--feed-fault-rate"), seed=arguments.fault_seed
        )
    except ValueError as error:
        raise SettingError(str(error)) from None
    feed = None
    if arguments.feed_from is not None:
        feed = MirroredFeed(held_filings(roots), FeedClock(arguments.feed_from, arguments.feed_speed), feed_faults)
    try:
        server = MirrorServer(roots, port=arguments.port, faults=faults, feed=feed)
    except OSError as error:
        raise SettingError(
            f"--port {arguments.port}: cannot listen on 127.0.0.1:{arguments.port} ({error.strerror}); "
            "another process holds it: give another, e.g. --port 8766"
        ) from None
    print(f"EDGAR mirror on {server.base_url} (Ctrl-C stops it); set EDGAR_BASE_URL={server.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _rates(settings: list[str], option: str) -> dict[str, float]:
    """`KIND=RATE` settings as a mapping; SettingError for a rate that is not a number."""
    rates = {}
    for setting in settings:
        kind, _, rate = setting.partition("=")
        try:
            rates[kind] = float(rate)
        except ValueError:
            raise SettingError(f"{option} {setting}: write KIND=RATE with a rate from 0 to 1, e.g. 503=0.05") from None
    return rates


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time: write YYYY-MM-DDTHH:MM (New York), e.g. 2025-01-02T09:00"
        ) from None


def _seconds(text: str) -> float:
    try:
        return check_seconds(text, "--interval", positive=True)
    except SettingError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _since(text: str) -> timedelta | datetime:
    try:
        return parse_since(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a speed: write a number from 0, e.g. 60 (a minute a second)")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY-MM-DD, e.g. 2025-01-02") from None


def _quarter(text: str) -> str:
    try:
        return quarter_label(quarter_start(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a quarter: write YYYYqN, e.g. 2024q3") from None


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a count of filings: write a whole number, e.g. 20")
    return int(text)


def _days(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days: write a whole number from 1, e.g. 31")
    return int(text)


def _command(commands: argparse._SubParsersAction, name: str, summary: str) -> argparse.ArgumentParser:
    """A subcommand whose summary shows both in the command list and atop its own --help."""
    return commands.add_parser(name, help=summary, description=summary)


def demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=0, help="mirror port (default: any free port)")
    parser.add_argument(
        "--feed",
        action="store_true",
        help=f"the latest-filings feed instead: the mirror's filings arrive as if accepted now and are polled, "
        f"loaded and published within seconds, into {FEED_DEMO_FOLDER}/ under the data folder (made anew)",
    )


def ingest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--start",
        type=_day,
        help="first day, YYYY-MM-DD (default: the nightly window: the last 3 days, from the end of the newest "
        "Form 345 quarter loaded while days since it were never looked at)",
    )
    parser.add_argument("--end", type=_day, help="last day, YYYY-MM-DD (default: yesterday)")


def f345_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start", type=_quarter, help="first quarter, e.g. 2006q1 (default: the last finished)")
    parser.add_argument("--end", type=_quarter, help="last quarter, e.g. 2024q3 (default: the last finished)")
    parser.add_argument(
        "--verify",
        type=_count,
        default=0,
        metavar="N",
        help="fetch N filings of each quarter from EDGAR and compare them with the set (see f345_reconciliation)",
    )


def backfill_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start", type=_day, default=PRE_DATA_SET_FIRST_DAY, help="first day (default: %(default)s)")
    parser.add_argument("--end", type=_day, default=PRE_DATA_SET_LAST_DAY, help="last day (default: %(default)s)")
    parser.add_argument("--estimate", action="store_true", help="print the estimate and stop")
    parser.add_argument(
        "--days-per-run",
        type=_days,
        default=DEFAULT_DAYS_PER_RUN,
        metavar="N",
        help="days each run loads and commits (default: %(default)s); a stopped backfill loses at most one run",
    )


def mirror_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("roots", nargs="*", type=Path, help="folders holding Archives/ (first match wins)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--fault-rate",
        action="append",
        default=[],
        metavar="KIND=RATE",
        help="inject faults: 429, 429_no_retry_after, 503, reset, stall, truncate, corrupt_xml (e.g. 503=0.05)",
    )
    parser.add_argument("--fault-seed", type=int, default=0)
    parser.add_argument(
        "--feed-from",
        type=_moment,
        metavar="TIME",
        help="serve the latest-filings feed of the folders' filings, the mirror's clock starting at TIME (New York)",
    )
    parser.add_argument(
        "--feed-fault-rate",
        action="append",
        default=[],
        metavar="KIND=RATE",
        help="feed pages answered 200 with what is not the feed (html, garbage, empty) or after a stall (stall), "
        "e.g. html=0.1; --fault-rate's kinds apply to feed pages too",
    )
    parser.add_argument(
        "--feed-speed",
        type=_speed,
        default=1.0,
        metavar="X",
        help="the feed's clock runs X times real time (default 1)",
    )


def summary_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--private", action="store_true", help="read the writer's own file (waits for its lock)")


def runs_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=_count, default=10, metavar="N", help="how many runs (default: %(default)s)")


def watch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="poll once, load and publish what is new, and stop")
    parser.add_argument(
        "--interval",
        type=_seconds,
        metavar="SECONDS",
        help=f"between polls (default: {DEFAULT_FEED_INTERVAL_SECONDS:.0f}); a poll gives up after 80%% of it",
    )


def alerts_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--since",
        type=_since,
        default="1h",
        metavar="WHEN",
        help="a duration (30m, 1h, 2d) or a UTC date or time (2025-01-06, 2025-01-06T09:30); default: %(default)s",
    )
    parser.add_argument(
        "--retry-refused",
        action="store_true",
        help="post the alerts the webhook refused (a 4xx) again, with the next run or feed poll",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line, for scripts")


def coverage_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, help="ownership .xml files, submissions (.txt/.nc), folders")


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command that takes none."""


def command_demo(arguments: argparse.Namespace, settings: Settings) -> int:
    return run_feed_demo(settings, arguments.port) if arguments.feed else run_demo(settings, arguments.port)


def command_ingest(arguments: argparse.Namespace, settings: Settings) -> int:
    """The days asked for, or the nightly window: the last three finished days, from the end of the newest Form
    345 quarter loaded while days since it were never looked at."""
    today = new_york_today()
    last = arguments.end or today - timedelta(days=1)
    first = arguments.start
    if first is None:
        window = nightly_window_of(published_path(settings), last)
        first = window.first
        if window.continues_after is not None:
            print(
                f"insider-warehouse: ingesting {first} to {last}: the days after {window.continues_after}, the newest "
                "Form 345 quarter loaded, that no run has looked at yet"
            )
    check_day_range(first, last, today, start_given=arguments.start is not None, end_given=arguments.end is not None)
    ingest(settings, first, last)
    print_summary(settings)
    return 0


def command_f345(arguments: argparse.Namespace, settings: Settings) -> int:
    """The quarters asked for (default: the last finished), then where the daily indexes take over."""
    today = new_york_today()
    last = arguments.end or last_finished_quarter(today)
    first = arguments.start or last
    check_quarter_range(first, last, today)
    load_quarters(settings, first, last, arguments.verify)
    print_summary(settings)
    window = nightly_window_of(published_path(settings), today - timedelta(days=1))
    if window.continues_after is not None:
        print(
            f"insider-warehouse: the days since {window.continues_after} come from the daily indexes: the next "
            f"`insider-warehouse ingest` (or the nightly schedule) covers {window.first} to {window.last}"
        )
    return 0


def command_watch(arguments: argparse.Namespace, settings: Settings) -> int:
    """Poll EDGAR's latest-filings feed, load and publish what is new, every --interval seconds (default
    INSIDER_FEED_INTERVAL_SECONDS); with --once, one poll: exit 1 when the feed could not be read. Ctrl-C ends it,
    between polls or in one, with 130."""
    from orchestration.sources.current_feed.watch import poll_once, say

    if arguments.once and arguments.interval is not None:
        raise SettingError("--interval sets the wait between polls, and --once makes one poll: give one of them")
    interval = arguments.interval or settings.feed_interval_seconds
    watch = feed_watch(settings, interval, "insider-warehouse watch --once")
    if not arguments.once:
        return keep_watching(watch)
    failed = poll_once(watch)
    if failed:
        say(f"{failed}; run again later: insider-warehouse watch --once", error=True)
    return 1 if failed else 0


def command_mirror(arguments: argparse.Namespace) -> int:
    return serve_mirror(arguments)


def command_summary(arguments: argparse.Namespace, settings: Settings) -> int:
    print_summary(settings, arguments.private)
    return 0


def command_runs(arguments: argparse.Namespace, settings: Settings) -> int:
    return print_runs(settings, arguments.limit)


def command_alerts(arguments: argparse.Namespace, settings: Settings) -> int:
    from orchestration.alerts_report import format_alerts, recent_alerts

    if arguments.retry_refused:
        return retry_refused_alerts(settings)
    path = published_path(settings)
    if not path.exists():
        raise WarehouseMissingError(f"there is no warehouse at {path} yet: run `make demo` or `make run` first")
    moment, window = since_moment(arguments.since, datetime.now(UTC).replace(tzinfo=None))
    text = format_alerts(recent_alerts(path, moment), window, arguments.json)
    if text:
        print(text)
    return 0


def retry_refused_alerts(settings: Settings) -> int:
    """`alerts --retry-refused`: the refused alerts queued for the webhook again."""
    from orchestration.sql_files import beside, query_sql_file
    from orchestration.warehouse_connection import open_warehouse

    path = DataFolder(settings.data_dir).warehouse
    if not path.exists():
        raise WarehouseMissingError(f"there is no warehouse at {path} yet: run `make demo` or `make run` first")
    with open_warehouse(path) as connection:
        count = len(query_sql_file(connection, beside(__file__, "retry_refused_alerts.sql")).fetchall())
    print(
        f"insider-warehouse: {count} refused alert(s) queued for the webhook again: the next run or feed poll "
        "(insider-warehouse watch --once) posts them"
    )
    return 0


def command_migrate(arguments: argparse.Namespace, settings: Settings) -> int:
    return run_migrate(settings)


def command_dictionary(arguments: argparse.Namespace) -> int:
    from orchestration.data_dictionary import write_dictionary

    print(f"wrote {write_dictionary()}")
    return 0


def command_coverage(arguments: argparse.Namespace) -> int:
    from orchestration.coverage_report import run_coverage

    text, unmapped = run_coverage(arguments.paths)
    print(text)
    return 1 if unmapped else 0


@dataclass(frozen=True)
class Command:
    """One command: what it does (its help's first line), its arguments, and what it needs before it starts."""

    run: Callable[..., int]  # (arguments, settings) when it reads the settings, else (arguments)
    summary: str
    arguments: Callable[[argparse.ArgumentParser], None] = no_arguments
    settings: bool = True  # reads and checks every setting of the environment first, and is handed them
    writes: bool = False  # writes under the data folder: refused first if the folder cannot be written


COMMANDS: dict[str, Command] = {
    "demo": Command(
        command_demo,
        "offline: serve fixtures/mirror on loopback, ingest its days, summarise",
        demo_arguments,
        writes=True,
    ),
    "ingest": Command(
        command_ingest, "ingest EDGAR days (live unless EDGAR_BASE_URL is set)", ingest_arguments, writes=True
    ),
    "f345": Command(
        command_f345, "load quarters of the SEC's Form 345 data sets (from 2006q1)", f345_arguments, writes=True
    ),
    "backfill": Command(
        run_backfill_command,
        "ingest a long range of days (default: 2003-06-30 to 2005-12-31, before the Form 345 data sets), "
        "saying first how many filings and how long; started again, it resumes where it stopped",
        backfill_arguments,
        writes=True,
    ),
    "watch": Command(
        command_watch,
        "poll EDGAR's latest-filings feed, load and publish new filings within minutes (--once: one poll)",
        watch_arguments,
        writes=True,
    ),
    "alerts": Command(
        command_alerts,
        "list the alerts the read copy published recently: large and first purchases, clusters, CEO/CFO sales, "
        "late trades",
        alerts_arguments,
    ),
    "mirror": Command(command_mirror, "serve EDGAR-layout folders on 127.0.0.1", mirror_arguments, settings=False),
    "summary": Command(
        command_summary, "print what the published read copy holds (and name its file)", summary_arguments
    ),
    "migrate": Command(
        command_migrate, "bring the warehouse to this release's schema (every run does this first)", writes=True
    ),
    "dictionary": Command(
        command_dictionary, "regenerate docs/data_dictionary.md from the schema and model files", settings=False
    ),
    "runs": Command(
        command_runs,
        "list the recent runs: kind, days or quarters, status, start, duration, failures left open",
        runs_arguments,
    ),
    "coverage": Command(
        command_coverage,
        "list every XML element path in filings and where it lands",
        coverage_arguments,
        settings=False,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineArgumentParser(prog="insider-warehouse", description=__doc__)
    subcommands = parser.add_subparsers(dest="command", required=True)
    for name, command in COMMANDS.items():
        command.arguments(_command(subcommands, name, command.summary))
    return parser


def restore_stop_signals() -> None:
    """Let SIGTERM stop this process wherever it was started. A script's background job, nohup or cron start it
    with SIGINT ignored, and while a run executes Dagster makes SIGTERM do what SIGINT does: `kill`, systemd and
    Kubernetes could then never stop a run. SIGINT gets Python's own handler (a run interrupted says so and keeps
    nothing partial), and a SIGTERM ignored by the parent is reset."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_IGN:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def main(argv: list[str] | None = None) -> int:
    """Exit status: 0 done; 1 the run failed (one paragraph says why and what next); 2 a mistake in the command
    or a setting (one line names it)."""
    if argv is None:  # run as a program, not called by a test or a notebook
        restore_stop_signals()
    given = sys.argv[1:] if argv is None else argv
    arguments = build_parser().parse_args(argv)
    warnings.filterwarnings("ignore", category=dg.BetaWarning)  # single-run backfill policy is beta, and chosen
    try:
        status = run_command(arguments)
        sys.stdout.flush()  # here, where a reader that went away is caught, not at the interpreter's exit
        return status
    except SettingError as error:
        print(f"insider-warehouse: error: {error}", file=sys.stderr)
        return 2
    except (
        RunFailedError,
        WarehouseLockedError,
        WarehouseMissingError,
        WarehouseUnreadableError,
        WarehouseTooOldError,
        SchemaTooNewError,
    ) as error:
        print(f"insider-warehouse: failed: {error}", file=sys.stderr)
        return 1
    except (RunInterruptedError, KeyboardInterrupt) as error:
        # A backfill resumes where it stopped, so its own command finishes it, not the month it was in; the demo
        # serves its mirror only while it runs.
        resumes = arguments.command in ("backfill", "demo") or not isinstance(error, RunInterruptedError)
        rerun = shlex.join(["insider-warehouse", *given]) if resumes else str(error)
        print(
            f"insider-warehouse: interrupted: nothing partial was kept (every write commits whole or not at all); "
            f"to finish, run again: {rerun}",
            file=sys.stderr,
        )
        return INTERRUPTED_EXIT_STATUS
    except BrokenPipeError:
        return reader_went_away()


def reader_went_away() -> int:
    """The reader of stdout closed it (`alerts --json | head -1`): what it did not read is not wanted, which is
    no failure. stdout now points at /dev/null, so the interpreter's last flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 0


def run_command(arguments: argparse.Namespace) -> int:
    """The command's function, after what it needs: the settings read and checked (the only reading of them in
    this process), the data folder writable."""
    from orchestration.resources import process_settings

    command = COMMANDS[arguments.command]
    if not command.settings:
        return command.run(arguments)
    settings = read_settings()
    if command.writes:
        check_writable_folder(settings.data_dir)
    with process_settings(settings):
        return command.run(arguments, settings)


if __name__ == "__main__":
    sys.exit(main())
