"""The one write path into the DuckDB warehouse: every write is one explicit transaction.

A crash anywhere inside a write rolls the whole batch back, so the warehouse holds each filing (or index day)
completely or not at all, and a rerun replaces rather than duplicates.
"""

import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from orchestration.lock_holder import describe_holder
from orchestration.migrations import Migration, migrate
from orchestration.progress import progress
from orchestration.refresh_chain import refresh_steps
from orchestration.settings import DEFAULT_LOCK_WAIT_SECONDS, SettingError, check_memory_limit, check_seconds
from orchestration.sql_files import SQL_ROOT, query_sql_file, run_sql_file
from transforms.vehicle_overrides import first_unappliable, override_lines
from transforms.vehicles import Override, OverrideNotAppliedError, VehicleAssignment, assign_vehicles

FAILURE_SCHEMA = pl.Schema(
    {
        "subject": pl.String(),
        "stage": pl.String(),
        "reason": pl.String(),
        "detail": pl.String(),
        "url": pl.String(),
        "partition_date": pl.Date(),
    }
)
RESOLVED_SCHEMA = pl.Schema({"subject": pl.String(), "stage": pl.String()})


class WarehouseLockedError(RuntimeError):
    """Another process holds the warehouse file open for writing (or reading)."""


class WarehouseMissingError(FileNotFoundError):
    """A read of a warehouse that was never built."""


class WarehouseUnreadableError(RuntimeError):
    """A file where the warehouse should be that DuckDB cannot open as a database (garbage, empty, damaged)."""


def default_memory_limit() -> str:
    """A quarter of the machine's RAM, between 1 and 8 GB.

    DuckDB's own default (80 % of RAM) would crowd out the analysts reading beside the nightly run; a fixed 1 GB
    made a full model rebuild of a 10M-line warehouse fail (its joins carry list columns, which do not spill).
    """
    return f"{_default_memory_gb()}GB"


def _default_memory_gb() -> int:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not POSIX: keep the floor
        total = 4 * 1024**3
    quarter_gb = total / 4 / 1024**3
    return max(1, min(8, int(quarter_gb)))


# Warehouses this process keeps open between connections (`kept_open`): path → its instance, None until first used.
_KEPT: dict[Path, duckdb.DuckDBPyConnection | None] = {}
# The kept warehouses whose instance opens under the history load's memory limit (`kept_open(history_load=True)`).
_KEPT_FOR_HISTORY: set[Path] = set()


@contextmanager
def kept_open(path: Path, history_load: bool = False) -> Iterator[None]:
    """Within the block, every `connect(path)` of this process is a cursor on one DuckDB instance; with
    `history_load`, one opened under `memory_limit(history_load=True)`.

    A run's steps each open the warehouse, and a fresh instance reads every block it scans again, from the page
    cache into DuckDB's buffers: on a 10M-line warehouse four key checks took 0.66 s in a fresh instance and 0.27 s
    in one whose buffers an earlier step had filled. The instance opens at the first `connect` and holds DuckDB's
    write lock until the block ends (or `release_kept`); a cursor is its own session (temp tables, settings) and
    closing it leaves the instance open. Nested blocks on one path share the outer block's instance.
    """
    key = path.resolve()
    if key in _KEPT:
        yield
        return
    _KEPT[key] = None
    if history_load:
        _KEPT_FOR_HISTORY.add(key)
    try:
        yield
    finally:
        release_kept(path)
        del _KEPT[key]
        _KEPT_FOR_HISTORY.discard(key)


def release_kept(path: Path) -> None:
    """Close the kept instance of `path`, if open (the next `connect` opens it again): before this process takes
    a lock of its own on the file, which POSIX would merge with DuckDB's, and drop when either is closed."""
    key = path.resolve()
    connection = _KEPT.get(key)
    if connection is not None:
        _KEPT[key] = None
        connection.close()


def connect(
    path: Path, read_only: bool = False, wait_seconds: float | None = None
) -> "duckdb.DuckDBPyConnection | ReadOnlyCursor":
    """Open the warehouse; extensions are never downloaded (this must run offline).

    A lock held by another process is waited for, up to `wait_seconds` (default INSIDER_LOCK_WAIT_SECONDS, 120),
    saying on stderr who holds it and for how long it will wait, before WarehouseLockedError says what to do.
    Inside `kept_open(path)` the connection is a cursor on the kept read-write instance; a `read_only` one is a
    ReadOnlyCursor, which refuses every statement but a query.
    """
    key = path.resolve()
    if key in _KEPT:
        if _KEPT[key] is None:
            _KEPT[key] = _open(path, False, wait_seconds, history_load=key in _KEPT_FOR_HISTORY)
        cursor = _KEPT[key].cursor()
        return ReadOnlyCursor(cursor) if read_only else cursor
    return _open(path, read_only, wait_seconds)


class ReadOnlyCursor:
    """A cursor on a read-write instance that can only read: each statement must be a query (SELECT, EXPLAIN),
    and all of them run in a READ ONLY transaction, so DuckDB itself refuses a write that got past the first rule."""

    _QUERIES = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._cursor = cursor
        cursor.execute("begin transaction read only")

    def _check(self, query: str) -> None:
        refused = [s.type.name for s in duckdb.extract_statements(query) if s.type not in self._QUERIES]
        if refused:
            raise PermissionError(f"a read-only warehouse connection runs queries only, not {', '.join(refused)}")

    def sql(self, query: str, params: object = None) -> duckdb.DuckDBPyRelation:
        self._check(query)
        return self._cursor.sql(query, params=params)

    def execute(self, query: str, parameters: object = None) -> "ReadOnlyCursor":
        self._check(query)
        self._cursor.execute(query, parameters)
        return self

    def fetchall(self) -> list[tuple]:
        return self._cursor.fetchall()

    def fetchone(self) -> tuple | None:
        return self._cursor.fetchone()

    def close(self) -> None:
        self._cursor.close()


# The limit a history load (`insider-warehouse f345`) runs under unless one is set: the 80-quarter history loads and
# refreshes within 4 GB of memory under it, where a quarter of RAM (5 GB on a 24 GB machine) took 6.1 GB
# (docs/performance.md).
HISTORY_MEMORY_LIMIT_GB = 2


def history_memory_limit() -> str:
    """The default limit, at most HISTORY_MEMORY_LIMIT_GB."""
    return f"{min(_default_memory_gb(), HISTORY_MEMORY_LIMIT_GB)}GB"


def lock_wait_seconds() -> float:
    """INSIDER_LOCK_WAIT_SECONDS, checked, else 120 s."""
    value = os.environ.get("INSIDER_LOCK_WAIT_SECONDS", "").strip()
    return check_seconds(value, "INSIDER_LOCK_WAIT_SECONDS") if value else DEFAULT_LOCK_WAIT_SECONDS


MEMORY_LIMIT_VARIABLE = "INSIDER_DUCKDB_MEMORY_LIMIT"


def memory_limit(history_load: bool = False) -> str:
    """INSIDER_DUCKDB_MEMORY_LIMIT, checked, else `history_memory_limit()` for a history load, else a quarter of
    the machine's RAM."""
    value = os.environ.get(MEMORY_LIMIT_VARIABLE, "").strip()
    if value:
        return check_memory_limit(value)
    return history_memory_limit() if history_load else default_memory_limit()


# How often a waiting process says it is still waiting.
WAIT_NOTICE_SECONDS = 30.0


def _open(
    path: Path, read_only: bool, wait_seconds: float | None, history_load: bool = False
) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise WarehouseMissingError(f"there is no warehouse at {path} yet: run `make demo` or `make run` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    config = {
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
        "memory_limit": memory_limit(history_load),
    }
    patience = lock_wait_seconds() if wait_seconds is None else wait_seconds
    started = time.monotonic()
    next_notice = started
    pause = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise WarehouseUnreadableError(_unreadable_message(path, str(error))) from None
            waited = time.monotonic() - started
            if waited >= patience:
                raise WarehouseLockedError(_locked_message(path, str(error), waited)) from None
            if time.monotonic() >= next_notice:
                verb = "waiting" if waited < 1 else f"still waiting ({waited:.0f} s)"
                print(
                    f"{verb} for {path}: it is locked by {describe_holder(str(error))}; giving up after "
                    f"{patience:.0f} s (INSIDER_LOCK_WAIT_SECONDS)",
                    file=sys.stderr,
                    flush=True,
                )
                next_notice = time.monotonic() + WAIT_NOTICE_SECONDS
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _unreadable_message(path: Path, error: str) -> str:
    """One paragraph: which file, what DuckDB said, that nothing was touched, and the ways back."""
    said = error.splitlines()[0].removeprefix("IO Error: ")
    if path.parent.name == "published":
        way_back = "The next successful run replaces it (insider-warehouse ingest)"
    else:
        way_back = f"Move it aside (mv {path} {path}.damaged), then run again to build a new one"
        if (path.parent / "raw").is_dir():
            way_back += (
                f": the raw archive under {path.parent / 'raw'} replays every filing it holds without the network"
            )
        read_copy = path.parent / "published" / path.name
        if read_copy.exists():
            way_back += f"; or start from the last read copy: cp {read_copy} {path}"
    return f"{path} cannot be opened as a DuckDB warehouse ({said}); nothing was changed. {way_back}."


def _locked_message(path: Path, error: str, waited: float) -> str:
    return (
        f"{path} is locked by {describe_holder(error)}; waited {waited:.0f} s. DuckDB allows one writer or many "
        "readers, never both: if it is another ingest run, let it finish (or raise INSIDER_LOCK_WAIT_SECONDS to "
        "wait for it); if it is a SQL shell or notebook, close it and open the published read copy "
        f"({path.parent / 'published' / path.name}) instead, then rerun."
    )


@contextmanager
def transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN … COMMIT, or ROLLBACK on any exception."""
    connection.begin()
    try:
        yield connection
    except BaseException:
        connection.rollback()
        raise
    connection.commit()


def sql_files_in(folder: str) -> list[str]:
    """Every `.sql` file of `sql/<folder>/`, relative to sql/, in a stable order."""
    return sorted(str(path.relative_to(SQL_ROOT)) for path in (SQL_ROOT / folder).glob("*.sql"))


def ensure_schema(connection: duckdb.DuckDBPyConnection) -> list[Migration]:
    """Bring the schema to this release's version (a new warehouse from `sql/ddl/`, an older one by its
    migrations), then the views, macros and reference rows, in one transaction; returns the migrations applied."""
    with transaction(connection):
        applied = migrate(connection, datetime.now(UTC).replace(tzinfo=None))
        for folder in ("views", "seeds"):
            for relative_path in sql_files_in(folder):
                run_sql_file(connection, relative_path)
    return applied


@contextmanager
def open_warehouse(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection with the schema in place, closed on exit."""
    connection = connect(path)
    try:
        ensure_schema(connection)
        yield connection
    finally:
        connection.close()


def arrow_for_duckdb(frame: pl.DataFrame) -> pa.Table:
    """The frame as Arrow with Polars' own string views, which DuckDB reads as they are; the default export copies
    every string into Arrow's older layout first (a third of a large load)."""
    return frame.to_arrow(compat_level=pl.CompatLevel.newest())


@contextmanager
def registered(connection: duckdb.DuckDBPyConnection, batch: Mapping[str, pl.DataFrame]) -> Iterator[None]:
    """The batch frames visible to SQL under their names for the duration of the block."""
    for name, frame in batch.items():
        connection.register(name, arrow_for_duckdb(frame))
    try:
        yield
    finally:
        for name in batch:
            connection.unregister(name)


def _write(
    connection: duckdb.DuckDBPyConnection,
    batch: Mapping[str, pl.DataFrame],
    steps: list[tuple[str, dict[str, Any]]],
) -> None:
    """Register the batch frames, run the SQL files of `steps` in one transaction, unregister."""
    with registered(connection, batch), transaction(connection):
        for relative_path, parameters in steps:
            run_sql_file(connection, relative_path, **parameters)


def _outcome_frames(failures: list[dict[str, object]], resolved: list[tuple[str, str]]) -> dict[str, pl.DataFrame]:
    return {
        "batch_failures": pl.DataFrame(failures, schema=FAILURE_SCHEMA),
        "batch_resolved": pl.DataFrame(resolved, schema=RESOLVED_SCHEMA, orient="row"),
    }


_OUTCOME_FILES = ("load/record_failures.sql", "load/resolve_failures.sql")


def load_filings(
    connection: duckdb.DuckDBPyConnection,
    accessions: list[str],
    frames: Mapping[str, pl.DataFrame],
    failures: list[dict[str, object]],
    resolved: list[tuple[str, str]],
    now: datetime,
    source: str = "filing",
    f345_quarter: str | None = None,
) -> None:
    """Replace all rows of `accessions` in every filing table and record the batch's outcomes, atomically.

    `source` is where the rows came from: 'filing' (parsed submissions) or 'f345' (the data set of `f345_quarter`).
    """
    batch = {f"batch_{table}": frame for table, frame in frames.items()}
    batch["batch_accessions"] = pl.DataFrame({"accession_number": accessions}, schema={"accession_number": pl.String})
    batch.update(_outcome_frames(failures, resolved))
    run_sql_file(connection, "load/relax_insertion_order.sql")  # a setting, not data: outside the transaction
    try:
        with registered(connection, batch), transaction(connection):
            run_sql_file(connection, "load/find_replaced_filings.sql")
            if query_sql_file(connection, "load/replaced_filing_count.sql").fetchall()[0][0]:
                run_sql_file(connection, "load/delete_replaced_filings.sql")
            run_sql_file(connection, "load/insert_filing_rows.sql", source=source, f345_quarter=f345_quarter, now=now)
            for path in _OUTCOME_FILES:
                run_sql_file(connection, path, now=now)
    finally:
        run_sql_file(connection, "load/restore_insertion_order.sql")


def load_index_days(
    connection: duckdb.DuckDBPyConnection,
    index_days: pl.DataFrame,
    index_entries: pl.DataFrame,
    failures: list[dict[str, object]],
    resolved: list[tuple[str, str]],
    now: datetime,
) -> None:
    """Replace the index days and the entries they list and record the batch's outcomes, atomically."""
    batch = {"batch_index_days": index_days, "batch_index_entries": index_entries}
    batch.update(_outcome_frames(failures, resolved))
    steps = [("load/replace_index_days.sql", {})] + [(path, {"now": now}) for path in _OUTCOME_FILES]
    _write(connection, batch, steps)


def record_outcomes(
    connection: duckdb.DuckDBPyConnection,
    failures: list[dict[str, object]],
    resolved: list[tuple[str, str]],
    now: datetime,
) -> None:
    """Record new failures (attempts counted) and resolve the ones that now succeeded, in one transaction."""
    _write(connection, _outcome_frames(failures, resolved), [(path, {"now": now}) for path in _OUTCOME_FILES])


def failure(subject: str, stage: str, reason: str, detail: str, url: str | None, day: date) -> dict[str, object]:
    """One row for the `failures` argument of the load functions."""
    return {"subject": subject, "stage": stage, "reason": reason, "detail": detail, "url": url, "partition_date": day}


# Lines handed to transforms/vehicles.py at a time (whole owner groups): a rebuild of every group (migration 3)
# holds one batch's lines as Python objects, not the warehouse's (5M lines at once took 10 GB).
VEHICLE_BATCH_LINES = 200_000


def assign_in_batches(connection: duckdb.DuckDBPyConnection, overrides: Sequence[Override]) -> VehicleAssignment:
    """Assign vehicle_input's lines to vehicles, a batch of whole owner groups at a time (groups are independent)."""
    sizes = query_sql_file(connection, "refresh/vehicles/group_sizes.sql").pl()
    batch_numbers = ((sizes["lines"].cum_sum() - sizes["lines"]) // VEHICLE_BATCH_LINES).alias("batch")
    batches = sizes.with_columns(batch_numbers).partition_by("batch", maintain_order=True, include_key=False)
    batches = batches or [sizes]  # none: one empty batch, for the frames' shape
    parts = []
    for groups in progress(batches, desc="vehicles", unit="batch", disable=len(batches) < 3, leave=False):
        with registered(connection, {"vehicle_batch_groups": groups.drop("lines")}):
            lines = query_sql_file(connection, "refresh/vehicles/batch_lines.sql").pl()
        parts.append(assign_vehicles(lines, overrides))
    return VehicleAssignment(pl.concat([part.decisions for part in parts]), pl.concat([part.aliases for part in parts]))


def check_overrides(connection: duckdb.DuckDBPyConnection, overrides: Sequence[Override]) -> None:
    """SettingError naming the first override the warehouse cannot honour (transforms/vehicle_overrides.py says
    which): run once filing_status is up to date, before the overrides decide anything."""
    if not overrides:
        return
    with registered(connection, {"batch_overrides": override_lines(overrides)}):
        held = query_sql_file(connection, "queries/override_lines.sql").pl()
    problem = first_unappliable(overrides, held)
    if problem:
        raise SettingError(f"INSIDER_VEHICLE_OVERRIDES: {problem}")


def refresh_model(
    connection: duckdb.DuckDBPyConnection,
    accessions: list[str],
    calendar: pl.DataFrame,
    overrides: Sequence[Override] = (),
) -> None:
    """Rebuild, in one transaction, the name histories of the issuers and owners the batch touches, the amendment
    links, vehicles, positions and beneficial ownership of its owner groups, and the calendar: the cost follows the
    batch and its groups' histories, not the warehouse. `overrides` are an analyst's vehicle corrections."""
    batch = {
        "batch_accessions": pl.DataFrame({"accession_number": accessions}, schema={"accession_number": pl.String}),
        "batch_calendar": calendar,
    }
    with registered(connection, batch), transaction(connection), ExitStack() as vehicle_frames:
        for step in refresh_steps():  # in the order the steps' headers give (orchestration/refresh_chain.py)
            if step.path is not None:
                run_sql_file(connection, step.path)
                continue
            check_overrides(connection, overrides)
            try:
                assignment = assign_in_batches(connection, overrides)
            except OverrideNotAppliedError as error:
                raise SettingError(f"INSIDER_VEHICLE_OVERRIDES: {error}") from None
            frames = {"batch_vehicle_decisions": assignment.decisions, "batch_security_aliases": assignment.aliases}
            vehicle_frames.enter_context(registered(connection, frames))
