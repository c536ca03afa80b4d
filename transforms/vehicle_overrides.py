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
    for number, row in enumerate(reader, start=2):
        where = f"{name} line {number}"
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
        found.append(Override(line, decision, target, (row["note"] or "").strip()))
    return found
