"""The model refresh reads as a chain: each SQL file's header states what it reads and writes, and says the truth.

Every file of the refresh (orchestration/warehouse.py, MODEL_REFRESH_FILES) starts with `-- reads: a, b` and
`-- writes: c` lines. The tables are found here by parsing the SQL (sqlglot), not by matching text: a statement's
target (insert, delete, update, create) is written, every other table it names outside its own CTEs is read. And
the chain holds together: a temporary table a file reads was written by an earlier file or registered by the caller.
"""

import re

import pytest
import sqlglot
from sqlglot import exp

from orchestration.sql_files import SQL_ROOT, split_statements
from orchestration.warehouse import MODEL_REFRESH_FILES

_HEADER = re.compile(r"^--\s*(reads|writes):\s*(.*)$", re.MULTILINE)
# Registered by refresh_model from Python frames, not written by a file of the chain.
REGISTERED = {"batch_accessions", "batch_calendar", "batch_vehicle_decisions", "batch_security_aliases"}


def declared(text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"reads": set(), "writes": set()}
    for kind, names in _HEADER.findall(text):
        found[kind] |= {name.strip() for name in names.split(",") if name.strip() and name.strip() != "nothing"}
    return found


def _target(statement: exp.Expression) -> str | None:
    if isinstance(statement, exp.Insert | exp.Delete | exp.Update | exp.Create):
        node = statement.this
        while node is not None and not isinstance(node, exp.Table):
            node = node.this
        return node.name if node is not None else None
    return None


def actual(text: str) -> dict[str, set[str]]:
    """What a file reads from outside (tables it did not write in an earlier statement) and what it writes."""
    reads: set[str] = set()
    writes: set[str] = set()
    for statement_text in split_statements(text):
        statement = sqlglot.parse_one(statement_text, read="duckdb")
        if isinstance(statement, exp.Create) and str(statement.args.get("kind", "")).upper() == "MACRO":
            continue
        target = _target(statement)
        ctes = {cte.alias_or_name for cte in statement.find_all(exp.CTE)}
        named = [table.name for table in statement.find_all(exp.Table) if table.name and table.name not in ctes]
        if target in named:
            named.remove(target)  # the target itself; any other mention of it is a read
        reads |= set(named) - writes
        if target:
            writes.add(target)
    return {"reads": reads, "writes": writes}


@pytest.mark.parametrize("relative_path", MODEL_REFRESH_FILES)
def test_each_refresh_file_states_what_it_reads_and_writes(relative_path: str):
    text = (SQL_ROOT / relative_path).read_text(encoding="utf-8")
    header = text.split("\n\n")[0]
    assert _HEADER.search(header), f"{relative_path}: start with '-- reads: …' and '-- writes: …' lines"
    assert declared(text) == actual(text), relative_path


def test_every_table_the_chain_reads_exists_before_it_is_read():
    written_so_far: set[str] = set(REGISTERED)
    permanent = {path.stem for path in (SQL_ROOT / "ddl").glob("*.sql")} | {"holdings_current"}
    for relative_path in MODEL_REFRESH_FILES:
        found = actual((SQL_ROOT / relative_path).read_text(encoding="utf-8"))
        missing = found["reads"] - written_so_far - permanent
        assert missing == set(), f"{relative_path} reads {sorted(missing)} before any step writes it"
        written_so_far |= found["writes"]
