"""The model refresh's steps and their order, derived from what each step says it reads and writes.

Each file of `sql/refresh/` opens with `-- reads: …` and `-- writes: …` (tests/test_refresh_chain.py holds them to
the SQL); the one step in Python, which assigns lines to vehicles (transforms/vehicles.py), declares the same here.
A step runs after every step that writes a table it reads, except the tables it reads *as they were before this
refresh* (`-- reads as before: …`: the filing status a refresh is about to change, the pending work it is about to
consume), for which it runs before their writer. Among steps free to run, the file name decides, so the order is
the same on every run. A cycle, a read of a table that no step, schema file or caller provides, and a table two
steps write are refused with their names.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

from orchestration.sql_files import SQL_ROOT
from orchestration.sql_lineage import view_sources

CHAIN_FOLDER = SQL_ROOT / "refresh"
# Frames the refresh registers before its steps run (warehouse.refresh_model).
REGISTERED = frozenset({"batch_accessions", "batch_calendar"})
# The step that is Python, not SQL: vehicle_input's lines assigned to vehicles, handed on as two registered frames.
ASSIGN_VEHICLES = "assign_vehicles"

_HEADER = re.compile(r"^--\s*(reads as before|reads|writes):\s*(.*)$", re.MULTILINE)


class ChainError(ValueError):
    """The steps' headers do not make one order: a cycle, a table nothing provides, or one table written twice."""


@dataclass(frozen=True)
class Step:
    """One step of the refresh: a SQL file (`path`, relative to sql/) or the Python step (`path` None)."""

    name: str
    reads: frozenset[str]
    writes: frozenset[str]
    reads_as_before: frozenset[str] = frozenset()
    path: str | None = None


VEHICLE_STEP = Step(
    ASSIGN_VEHICLES,
    # vehicle_input's lines and filing_events' statements; and, through orchestration/sql/override_lines.sql, the lines
    # and filings an analyst's override names, checked before anything is decided (warehouse_refresh.py).
    reads=frozenset({"vehicle_input", "filing_events", "filing_status", "transactions", "holdings"}),
    writes=frozenset({"batch_vehicle_decisions", "batch_security_aliases", "batch_vehicle_closings"}),
)


def header_tables(text: str) -> dict[str, frozenset[str]]:
    """The tables a step's header names, by kind: `reads`, `writes`, `reads as before`."""
    found: dict[str, set[str]] = {"reads": set(), "writes": set(), "reads as before": set()}
    for kind, names in _HEADER.findall(text):
        found[kind] |= {name.strip() for name in names.split(",") if name.strip() and name.strip() != "nothing"}
    return {kind: frozenset(names) for kind, names in found.items()}


def sql_steps() -> list[Step]:
    """Every step file of sql/refresh/ (its sub-folders hold the Python step's queries, not steps)."""
    steps = []
    for path in sorted(CHAIN_FOLDER.glob("*.sql")):
        tables = header_tables(path.read_text(encoding="utf-8"))
        steps.append(
            Step(
                path.stem,
                tables["reads"],
                tables["writes"],
                tables["reads as before"],
                str(path.relative_to(SQL_ROOT)),
            )
        )
    return steps


@cache
def refresh_steps() -> tuple[Step, ...]:
    """The refresh's steps in the order their headers give."""
    steps = [through_views(step, view_sources()) for step in (*sql_steps(), VEHICLE_STEP)]
    return tuple(ordered(steps, provided=REGISTERED | permanent_tables()))


def permanent_tables() -> frozenset[str]:
    """The warehouse's own tables and views (sql/ddl/, sql/views/): read as they stand unless a step writes them."""
    return frozenset(path.stem for folder in ("ddl", "views") for path in (SQL_ROOT / folder).glob("*.sql"))


def through_views(step: Step, views: Mapping[str, frozenset[str]]) -> Step:
    """`step` reading, besides each view it names, the tables behind it (which the refresh may write)."""
    behind = frozenset().union(*(views[name] for name in step.reads if name in views))
    return replace(step, reads=step.reads | behind) if behind else step


def ordered(steps: Sequence[Step], provided: Iterable[str] = ()) -> list[Step]:
    """`steps` in an order where each runs after the writers of what it reads (before the writers of what it reads
    as before); ChainError when there is none, or when a table is written twice or read from nowhere."""
    writer: dict[str, Step] = {}
    for step in steps:
        for table in step.writes:
            if table in writer:
                raise ChainError(f"{table} is written by two steps, {writer[table].name} and {step.name}")
            writer[table] = step
    provided = set(provided)
    after: dict[str, set[str]] = {step.name: set() for step in steps}  # step → the steps it must follow
    for step in steps:
        for table in step.reads:
            source = writer.get(table)
            if source is None:
                if table not in provided:
                    raise ChainError(f"{step.name} reads {table}, which no step writes and nothing else provides")
                continue
            if source is step:
                continue
            if table in step.reads_as_before:
                after[source.name].add(step.name)
            else:
                after[step.name].add(source.name)
    done: list[Step] = []
    by_name = {step.name: step for step in steps}
    waiting = dict(after)
    while waiting:
        ready = sorted(name for name, before in waiting.items() if not before - {s.name for s in done})
        if not ready:
            raise ChainError(f"the steps {', '.join(sorted(waiting))} wait on each other: a cycle in their headers")
        done.append(by_name[ready[0]])
        del waiting[ready[0]]
    return done


# The frames the Python step hands to SQL, and the table whose rows each carries.
CARRIED_FRAMES = {"batch_vehicle_decisions": "vehicle_decisions", "batch_security_aliases": "security_aliases"}


def table_lineage(steps: Sequence[Step], assets: Iterable[str]) -> dict[str, list[str]]:
    """For each of `assets` a step writes, the assets its rows come from, followed back through the temporary
    tables and frames between them: a temporary table a step writes beside an asset is that asset's rows (the
    refreshed filing status), a frame of CARRIED_FRAMES is its table's, and the assets one step writes together are
    not each other's sources."""
    assets = set(assets)
    writer = {table: step for step in steps for table in step.writes}

    def sources(table: str, seen: frozenset[str]) -> set[str]:
        if table in assets:
            return {table}
        step = writer.get(table)
        if step is None or step.name in seen:
            return set()
        if step.writes & assets:
            return set(step.writes & assets)
        return set().union(*(sources(read, seen | {step.name}) for read in step.reads - step.reads_as_before))

    found = {}
    for step in steps:
        for table in sorted(step.writes & assets):
            origins: set[str] = set()
            for read in step.reads - step.reads_as_before:
                carried = CARRIED_FRAMES.get(read)
                if carried is None:
                    origins |= sources(read, frozenset({step.name}))
                elif carried == table:  # the frame of this very table: where the frame's rows come from
                    frame_writer = writer[read]
                    reads = frame_writer.reads - frame_writer.reads_as_before
                    origins |= set().union(*(sources(one, frozenset({frame_writer.name})) for one in reads))
                else:
                    origins.add(carried)
            found[table] = sorted(origins - step.writes)
    return found
