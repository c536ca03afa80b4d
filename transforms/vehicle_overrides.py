"""An analyst's corrections of vehicle decisions, read from a CSV file (overrides/vehicles.csv by default).

One row per line to correct, named by accession, source table (`transactions` or `holdings`), table kind
(`non_derivative` or `derivative`) and line number, with its decision:
- `same_vehicle`: the line joins the vehicle of the target line (target_* columns, an earlier line of its group);
- `new_vehicle`: the line starts a vehicle of its own;
- `statement`: the line names no security; `security`: it does, although its title reads like a statement.
`note` says why, for the next reader; vehicle_decisions shows it as the decision's detail.
"""

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import polars as pl

from transforms.accession import canonical_accession
from transforms.vehicles import OVERRIDE_DECISIONS, LineRef, Override

COLUMNS = (
    "accession_number",
    "source_table",
    "table_kind",
    "line_number",
    "decision",
    "target_accession_number",
    "target_source_table",
    "target_table_kind",
    "target_line_number",
    "note",
)
_SOURCE_TABLES = ("transactions", "holdings")
_TABLE_KINDS = ("non_derivative", "derivative")


class OverridesError(ValueError):
    """The overrides file has a row that cannot be applied; the message names the row and what to write."""


def _line(row: dict[str, str], prefix: str, where: str) -> LineRef:
    accession = canonical_accession(row[f"{prefix}accession_number"].strip())
    source_table, table_kind = row[f"{prefix}source_table"].strip(), row[f"{prefix}table_kind"].strip()
    if source_table not in _SOURCE_TABLES:
        raise OverridesError(f"{where}: {prefix}source_table must be one of {_SOURCE_TABLES}, not {source_table!r}")
    if table_kind not in _TABLE_KINDS:
        raise OverridesError(f"{where}: {prefix}table_kind must be one of {_TABLE_KINDS}, not {table_kind!r}")
    number = row[f"{prefix}line_number"].strip()
    if not number.isdigit() or int(number) < 1:
        raise OverridesError(f"{where}: {prefix}line_number must be a line number such as 3, not {number!r}")
    return (accession, source_table, table_kind, int(number))


def parse_overrides(text: str, name: str = "overrides") -> list[Override]:
    """The overrides of a CSV text; OverridesError for the first row that is wrong."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise OverridesError(f"{name}: the header must name {', '.join(COLUMNS)}; missing {', '.join(missing)}")
    found: list[Override] = []
    seen: set[LineRef] = set()
    for row in reader:
        where = f"{name} line {reader.line_num}"
        named = len(reader.fieldnames or [])
        fields = named + len(row.get(None) or []) - sum(value is None for key, value in row.items() if key is not None)
        if fields != named:  # csv.DictReader keeps extra fields under None and fills missing ones with None
            hint = (
                'a note holding a comma goes in double quotes ("…, …")'
                if fields > named
                else "write every field, an empty one as nothing between two commas"
            )
            raise OverridesError(f"{where}: {fields} fields where the header names {named}; {hint}")
        try:
            line = _line(row, "", where)
            decision = (row["decision"] or "").strip()
            if decision not in OVERRIDE_DECISIONS:
                raise OverridesError(f"{where}: decision must be one of {OVERRIDE_DECISIONS}, not {decision!r}")
            if decision == "same_vehicle" and not (row["target_accession_number"] or "").strip():
                raise OverridesError(
                    f"{where}: same_vehicle needs the target line (target_accession_number, target_source_table, "
                    "target_table_kind, target_line_number): the line whose vehicle it joins"
                )
            target = _line(row, "target_", where) if decision == "same_vehicle" else None
        except ValueError as error:  # an invalid accession number raises ValueError with its own explanation
            raise OverridesError(str(error) if isinstance(error, OverridesError) else f"{where}: {error}") from None
        if line in seen:
            raise OverridesError(f"{where}: a second override of the same line; keep one")
        seen.add(line)
        found.append(Override(line, decision, target, (row["note"] or "").strip(), where))
    return found


# The overrides as orchestration/sql/override_lines.sql reads them (batch_overrides), a row each, numbered.
OVERRIDE_LINES_SCHEMA = pl.Schema(
    {
        "override_index": pl.Int64,
        "accession_number": pl.String,
        "source_table": pl.String,
        "table_kind": pl.String,
        "line_number": pl.Int64,
        "target_accession_number": pl.String,
        "target_source_table": pl.String,
        "target_table_kind": pl.String,
        "target_line_number": pl.Int64,
    }
)


def override_lines(overrides: Sequence[Override]) -> pl.DataFrame:
    """The lines and targets `overrides` name, to look up in the warehouse."""
    rows = [(index, *one.line, *(one.target or (None,) * 4)) for index, one in enumerate(overrides)]
    return pl.DataFrame(rows, schema=OVERRIDE_LINES_SCHEMA, orient="row")


def first_unappliable(overrides: Sequence[Override], held: pl.DataFrame) -> str | None:
    """`source: problem` of the first override the warehouse cannot honour, given what it holds of the lines each
    names (`held`: orchestration/sql/override_lines.sql, a row per override_index and role), or None.

    A row that cannot be applied would otherwise be dropped without a word (a line not loaded) or turned into
    something else (a `same_vehicle` target that does not exist made a second vehicle: a holding counted twice).
    """
    facts: dict[int, dict[str, Any]] = {}
    for row in held.iter_rows(named=True):
        role = row.pop("role")
        facts.setdefault(row.pop("override_index"), {}).update({f"{role}{key}": value for key, value in row.items()})
    for index, override in enumerate(overrides):
        problem = _problem(override, facts[index])
        if problem:
            return f"{override.source}: {problem}"
    return None


def _named(line: LineRef) -> str:
    return f"{line[0]} {line[1]} {line[2]} line {line[3]}"


def _missing(prefix: str, line: LineRef, facts: Mapping[str, Any]) -> str | None:
    if not facts[f"{prefix}filed"]:
        return f"filing {line[0]} is not loaded: load it first, or remove the row"
    if not facts[f"{prefix}found"]:
        return f"filing {line[0]} has no {line[1]} {line[2]} line {line[3]}"
    if facts[f"{prefix}superseded_by"]:
        return f"{_named(line)} was restated by the amendment {facts[f'{prefix}superseded_by']}: name its line instead"
    return None


def _problem(override: Override, facts: Mapping[str, Any]) -> str | None:
    missing = _missing("line_", override.line, facts)
    if missing or override.decision != "same_vehicle" or override.target is None:
        return missing
    missing = _missing("target_", override.target, facts)
    if missing:
        return f"its target: {missing}"
    line_group = (facts["line_issuer_cik"], facts["line_owner_group_key"])
    target_group = (facts["target_issuer_cik"], facts["target_owner_group_key"])
    if line_group != target_group:
        return (
            f"the target {_named(override.target)} is of issuer {target_group[0]} and owners {target_group[1]}, the "
            f"line of issuer {line_group[0]} and owners {line_group[1]}: a vehicle is one owner group's in one issuer"
        )
    if _after(facts["target_event_time"], override.target[0], facts["line_event_time"], override.line[0]):
        return f"the target {_named(override.target)} was filed after the line: name an earlier line of the group"
    return None


def _after(target_time: datetime | None, target: str, line_time: datetime | None, line: str) -> bool:
    """The target's filing comes after the line's in the order vehicles are decided (event time, then accession)."""
    if target_time is None or line_time is None:
        return False
    return (target_time, target) > (line_time, line)
