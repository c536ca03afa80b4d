"""Shared test parts: a real loopback mirror, a real DuckDB file per test, real Dagster materializations."""

import atexit
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from mirror.feed import FeedClock, MirroredFeed, held_filings
from mirror.server import FaultPlan, MirrorServer, serve_in_background
from orchestration.definitions import defs
from orchestration.history_load import F345_ASSET, F345_OUTCOME_ASSET
from orchestration.resources import AlertsResource, EdgarResource, ParsingResource, StorageResource

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The team's shared folder beside the project (CI has it; a bare clone does not): tests that read it skip without.
SHARED = PROJECT_ROOT.parent / "shared"
# The project's own copy of the real filings its tests need (public SEC documents), so a bare clone passes.
FIXTURE_SAMPLE = PROJECT_ROOT / "fixtures" / "edgar-sample"
FIXTURE_MIRROR = PROJECT_ROOT / "fixtures" / "mirror"
SHARED_MISSING = f"{SHARED} is absent (the team's shared folder; a bare clone has only the project's fixtures)"
TEST_USER_AGENT = "insider-warehouse tests tests@example.invalid"
# Loopback mirrors may be read faster than SEC's 10/s; the rate-limit test uses the real limit.
LOOPBACK_RATE = 500.0

warnings.filterwarnings("ignore", category=dg.BetaWarning)


@pytest.fixture(scope="session", params=["fixtures", "shared"])
def shared_sample(request: pytest.FixtureRequest) -> Path:
    """The real EDGAR sample: the project's copy always, and ../shared/edgar-sample (which grows) when present."""
    if request.param == "fixtures":
        return FIXTURE_SAMPLE
    if not (SHARED / "edgar-sample").is_dir():
        pytest.skip(SHARED_MISSING)
    return SHARED / "edgar-sample"


@pytest.fixture
def fixture_mirror() -> Iterator[MirrorServer]:
    with serve_in_background([FIXTURE_MIRROR]) as server:
        yield server


@pytest.fixture
def feed_mirror() -> Iterator[tuple[MirrorServer, FeedClock]]:
    """The fixture mirror serving the latest-filings feed of its filings, its clock stopped at noon of 2025-01-06
    until the test moves it."""
    clock = FeedClock(datetime(2025, 1, 6, 12, 0), speed=0.0)
    with serve_in_background([FIXTURE_MIRROR], feed=MirroredFeed(held_filings([FIXTURE_MIRROR]), clock)) as mirror:
        yield mirror, clock


@pytest.fixture
def faults() -> FaultPlan:
    return FaultPlan()


@pytest.fixture
def cli_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The in-process CLI's environment: no EDGAR_ or INSIDER_ setting of the caller's, a data folder of its own
    (returned; not created) and the test User-Agent."""
    for key in list(os.environ):
        if key.startswith(("EDGAR_", "INSIDER_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("INSIDER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EDGAR_USER_AGENT", TEST_USER_AGENT)
    return tmp_path / "data"


def ingest_assets() -> list:
    """Every asset and check of the day-partitioned ingest (the quarterly Form 345 assets have a job of their own)."""
    quarterly = {F345_ASSET, F345_OUTCOME_ASSET}
    daily = [asset for asset in defs.assets or [] if not quarterly & {key.to_user_string() for key in asset.keys}]
    return daily + list(defs.asset_checks or [])


def materialize_days(
    data_dir: Path,
    base_url: str,
    first: date,
    last: date,
    rate: float = LOOPBACK_RATE,
    max_attempts: int = 3,
    read_timeout: float = 30.0,
    selection: dg.AssetSelection | None = None,
) -> dg.ExecuteInProcessResult:
    """Materialize every ingest asset (or `selection` of them) over [first, last] as one single-run backfill, as
    the schedule does."""
    resources = {
        "storage": StorageResource(data_dir=str(data_dir)),
        "edgar": EdgarResource(
            user_agent=TEST_USER_AGENT,
            base_url=base_url,
            requests_per_second=rate,
            max_attempts=max_attempts,
            backoff_seconds=0.01,
            read_timeout_seconds=read_timeout,
        ),
        "parsing": ParsingResource(),
        "alerts": AlertsResource(),
    }
    tags = {
        "dagster/asset_partition_range_start": first.isoformat(),
        "dagster/asset_partition_range_end": last.isoformat(),
    }
    return dg.materialize(ingest_assets(), resources=resources, tags=tags, raise_on_error=False, selection=selection)


def read_table(data_dir: Path, sql: str, **params: object) -> list[tuple]:
    """Rows of a query against the warehouse file, read-only."""
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return connection.sql(sql, params=params or None).fetchall()
    finally:
        connection.close()


def table_rows(data_dir: Path, table: str, order_by: str) -> list[tuple]:
    """Every row of a table in key order (the table name goes through DuckDB's relation API, not SQL text)."""
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return connection.table(table).order(order_by).fetchall()
    finally:
        connection.close()


# Columns that say when a run did something, not what the filings say: left out when two warehouses are compared.
RUN_TIME_COLUMNS = {
    "loaded_at",
    "built_at",
    "applied_at",
    "written_at",  # schema_objects: when the views and seeds were written
    "computed_at",
    "first_seen",
    "last_seen",
    "resolved_at",
    # alerts: when a run fired, revised, withdrew, published or posted one
    "fired_at",
    "revised_at",
    "withdrawn_at",
    "first_published_at",
    "revision_published_at",
    "last_attempt_at",
    "delivered_at",
}


def every_table(data_dir: Path, leave_out: frozenset[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every base table of the warehouse (but `leave_out`), all rows sorted, without RUN_TIME_COLUMNS: what two
    builds from the same filings must agree on."""
    connection = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        tables = [name for (name,) in connection.sql("select table_name from duckdb_tables() order by 1").fetchall()]
        contents = {}
        for table in tables:
            if table in leave_out:
                continue
            relation = connection.table(table)
            kept = [column for column in relation.columns if column not in RUN_TIME_COLUMNS]
            contents[table] = relation.select(*kept).order("all").fetchall()
        return contents
    finally:
        connection.close()


# nanobind's report of DuckDB objects still alive when the interpreter shuts down (docs/design.md, "Known: DuckDB's
# leak report"): printed after pytest's last line, about DuckDB's own module constants, and it made a green run look
# red. Only those lines are dropped; anything else written to stderr during shutdown passes through.
_NANOBIND_REPORT = (
    "nanobind: leaked ",
    " - leaked ",
    " - ... skipped remainder",
    "nanobind: this is likely caused",
    "See https://nanobind.readthedocs.io",
)
_DROP_NANOBIND_REPORT = f"""
import sys
for line in sys.stdin:
    if not line.startswith({_NANOBIND_REPORT!r}):
        sys.stderr.write(line)
        sys.stderr.flush()
"""


def _filter_shutdown_stderr() -> None:
    """From here to the process's end, stderr goes through a filter that drops nanobind's shutdown report.

    Run at exit (pytest has restored its own capture of fd 2 by then), before the interpreter's shutdown prints it.
    """
    sys.stderr.flush()
    stderr_copy = os.dup(2)
    shutdown_filter = subprocess.Popen(
        [sys.executable, "-c", _DROP_NANOBIND_REPORT],
        stdin=subprocess.PIPE,
        stderr=stderr_copy,
        close_fds=True,
        pass_fds=(stderr_copy,),
    )
    os.dup2(shutdown_filter.stdin.fileno(), 2)
    shutdown_filter.stdin.close()
    os.close(stderr_copy)


if os.environ.get("INSIDER_TEST_SHUTDOWN_REPORT") != "1":
    atexit.register(_filter_shutdown_stderr)
