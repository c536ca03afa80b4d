"""What a SQL statement reads, parsed (sqlglot), not pattern-matched: the lineage of the SQL models and the
refresh steps, seen through the views and table macros of sql/views/."""

import re
from functools import cache

import sqlglot
from sqlglot import exp

from orchestration.sql_files import SQL_ROOT, split_statements

VIEWS_FOLDER = SQL_ROOT / "views"


def tables_read(select: str) -> frozenset[str]:
    """Tables and views a statement reads, without its own CTE names (parsed, not pattern-matched)."""
    tree = sqlglot.parse_one(select, read="duckdb")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    return frozenset(table.name for table in tree.find_all(exp.Table) if table.name and table.name not in ctes)


@cache
def view_sources() -> dict[str, frozenset[str]]:
    """What each view or table macro of sql/views/ reads, so lineage can see through it."""
    sources: dict[str, frozenset[str]] = {}
    for path in sorted(VIEWS_FOLDER.glob("*.sql")):
        statement = split_statements(path.read_text(encoding="utf-8"))[0]
        body = re.split(r"\bas\s+(?:table\s+)?(?=select\b|with\b)", statement, maxsplit=1, flags=re.IGNORECASE)[-1]
        sources[path.stem] = tables_read(body)
    return sources
