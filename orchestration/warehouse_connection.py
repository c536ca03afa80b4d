"""The warehouse file opened: the DuckDB instance a run keeps, the write lock waited for and named, the memory
limit, the schema brought to this release's version, and explicit transactions.

DuckDB lets one process write a file (or many read it): a run's steps share one kept instance (`kept_open`), a
second writer waits for the lock and is told who holds it, and every write is one `transaction`, so a crash inside
it rolls the whole batch back. The limits are the process's (`opening_limits`), handed over by the door that read
the settings (orchestration/resources.py, `process_settings`).
"""

import hashlib
import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from orchestration.data_folder import is_read_copy, read_copy_of
from orchestration.duckdb_file import blocks_missing
from orchestration.lock_holder import describe_holder
from orchestration.migrations import Migration, latest_version, migrate, recorded_version
from orchestration.run_profile import profiled
from orchestration.sql_files import SQL_ROOT, beside, query_sql_file, run_sql_file


class WarehouseLockedError(RuntimeError):
    """Another process holds the warehouse file open for writing (or reading)."""


class WarehouseMissingError(FileNotFoundError):
    """A read of a warehouse that was never built."""


class WarehouseUnreadableError(RuntimeError):
    """A file where the warehouse should be that DuckDB cannot open as a database (garbage, empty, damaged)."""


@dataclass(frozen=True)
class OpeningLimits:
    """How this process opens the warehouse: DuckDB's memory limit (None: the computed default) and how long a
    lock held by another process is waited for."""

    memory_limit: str | None = None
    lock_wait_seconds: float = 120.0


_LIMITS = [OpeningLimits()]


@contextmanager
def opening_limits(limits: OpeningLimits) -> Iterator[None]:
    """Within the block, every warehouse this process opens is opened under `limits`."""
    _LIMITS.append(limits)
    try:
        yield
    finally:
        _LIMITS.pop()


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
    cache into DuckDB's buffers, where one whose buffers an earlier step filled reads them there (less than half
    the time: docs/performance.md, "What the code's choices were measured at"). The instance opens at the first
    `connect` and holds DuckDB's write lock until the block ends (or `release_kept`); a cursor is its own session
    (temp tables, settings) and closing it leaves the instance open. Nested blocks on one path share the outer
    block's instance.
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
            with profiled("open the warehouse"):
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
# refreshes within 4 GB of memory under it, where a quarter of RAM let it grow past that (docs/performance.md).
HISTORY_MEMORY_LIMIT_GB = 2


def history_memory_limit() -> str:
    """The default limit, at most HISTORY_MEMORY_LIMIT_GB."""
    return f"{min(_default_memory_gb(), HISTORY_MEMORY_LIMIT_GB)}GB"


def memory_limit(history_load: bool = False) -> str:
    """The limit set (INSIDER_DUCKDB_MEMORY_LIMIT, handed over in `opening_limits`), else
    `history_memory_limit()` for a history load, else a quarter of the machine's RAM."""
    return _LIMITS[-1].memory_limit or (history_memory_limit() if history_load else default_memory_limit())


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
    _refuse_cut_short(path, config)
    patience = _LIMITS[-1].lock_wait_seconds if wait_seconds is None else wait_seconds
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


def _refuse_cut_short(path: Path, config: dict[str, str]) -> None:
    """WarehouseUnreadableError when `path` lacks blocks in use (duckdb_file.blocks_missing): asked of DuckDB in a
    read-only open, which writes nothing, before any open that could write into it. A file holding every block it
    counts (every file but a damaged one, or one a kill left mid-checkpoint) costs two header reads."""
    missing = blocks_missing(path)
    if missing is None:
        return
    try:
        probe = duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.IOException:
        return  # locked by the writer that is using it, or unreadable: the open that follows says which
    try:
        [(used,)] = probe.sql("select used_blocks from pragma_database_size()").fetchall()
    finally:
        probe.close()
    if used > missing.on_disk:
        raise WarehouseUnreadableError(_unreadable_message(path, missing.describe(used), "is damaged"))


def _unreadable_message(path: Path, error: str, what: str = "cannot be opened as a DuckDB warehouse") -> str:
    """One paragraph: which file, what is wrong with it, that nothing was touched, and the ways back."""
    said = error.splitlines()[0].removeprefix("IO Error: ")
    if is_read_copy(path):
        way_back = "The next successful run replaces it (insider-warehouse ingest)"
    else:
        way_back = f"Move it aside (mv {path} {path}.damaged), then run again to build a new one"
        if (path.parent / "raw").is_dir():
            way_back += (
                f": the raw archive under {path.parent / 'raw'} replays every filing it holds without the network"
            )
        read_copy = read_copy_of(path)
        if read_copy.exists():
            way_back += f"; or start from the last read copy: cp {read_copy} {path}"
    return f"{path} {what} ({said}); nothing was changed. {way_back}."


def _locked_message(path: Path, error: str, waited: float) -> str:
    return (
        f"{path} is locked by {describe_holder(error)}; waited {waited:.0f} s. DuckDB allows one writer or many "
        "readers, never both: if it is another ingest run, let it finish (or raise INSIDER_LOCK_WAIT_SECONDS to "
        "wait for it); if it is a SQL shell or notebook, close it and open the published read copy "
        f"({read_copy_of(path)}) instead, then rerun."
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


@cache
def schema_objects_digest() -> str:
    """The digest of this release's views, macros and reference rows (the text of sql/views/ and sql/seeds/)."""
    digest = hashlib.sha256()
    for folder in SCHEMA_OBJECT_FOLDERS:
        for relative_path in sql_files_in(folder):
            digest.update(relative_path.encode() + b"\0" + (SQL_ROOT / relative_path).read_bytes() + b"\0")
    return digest.hexdigest()


SCHEMA_OBJECT_FOLDERS = ("views", "seeds")


def ensure_schema(connection: duckdb.DuckDBPyConnection) -> list[Migration]:
    """Bring the schema to this release's version (a new warehouse from `sql/ddl/`, an older one by its
    migrations), then the views, macros and reference rows, in one transaction; returns the migrations applied.
    A warehouse already at this release's version and objects is only read: a run opens it many times."""
    digest = schema_objects_digest()
    if recorded_version(connection) == latest_version():
        [(written,)] = query_sql_file(connection, beside(__file__, "schema_objects_digest.sql")).fetchall()
        if written == digest:
            return []
    with transaction(connection):
        now = datetime.now(UTC).replace(tzinfo=None)
        applied = migrate(connection, now)
        for folder in SCHEMA_OBJECT_FOLDERS:
            for relative_path in sql_files_in(folder):
                run_sql_file(connection, relative_path)
        run_sql_file(connection, beside(__file__, "record_schema_objects.sql"), digest=digest, now=now)
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
