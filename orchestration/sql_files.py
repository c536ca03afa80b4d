"""Read the project's `.sql` files and run them statement by statement with bound parameters.

DuckDB runs a multi-statement string in auto-commit, one statement at a time, so a file is split here and its
statements run inside the caller's explicit transaction.
"""

import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from orchestration.run_profile import profile_file, profiled

SQL_ROOT = Path(__file__).resolve().parent.parent / "sql"
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# Quoted text and line comments, matched left to right so that a quote inside a comment (or `--` inside a quote)
# is not taken for the other: a `$name` in either binds nothing.
_QUOTED_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*")


def beside(module_file: str, name: str) -> str:
    """A SQL file kept in the `sql/` folder beside the module that runs it (its one caller), as the path the runners
    here take: relative to sql/, so labels and messages name it the same way."""
    return os.path.relpath(Path(module_file).resolve().parent / "sql" / name, SQL_ROOT)


@cache
def read_sql(relative_path: str) -> str:
    """The text of `sql/<relative_path>`."""
    return (SQL_ROOT / relative_path).read_text(encoding="utf-8")


def split_statements(text: str) -> list[str]:
    """Split SQL text on semicolons outside quotes and comments; drop empty statements."""
    statements: list[str] = []
    current: list[str] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "-" and text.startswith("--", index):
            end = text.find("\n", index)
            end = length if end == -1 else end
            current.append(text[index:end])
            index = end
            continue
        if char in "'\"":
            end = index + 1
            while end < length:
                if text[end] == char:
                    if end + 1 < length and text[end + 1] == char:
                        end += 2
                        continue
                    break
                end += 1
            current.append(text[index : end + 1])
            index = end + 1
            continue
        if char == ";":
            statements.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    statements.append("".join(current))
    return [s.strip() for s in statements if _has_code(s)]


def _has_code(statement: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in statement.splitlines())


def parameter_names(statement: str) -> set[str]:
    """The `$name` parameters a statement binds, not counting those its comments and quoted text mention (DuckDB
    refuses a value for a name the statement does not bind)."""
    return set(_PARAMETER.findall(_QUOTED_OR_COMMENT.sub(" ", statement)))


def run_sql_file(connection: duckdb.DuckDBPyConnection, relative_path: str, **parameters: Any) -> None:
    """Run every statement of a file; each statement gets only the `$name` parameters it mentions."""
    with profiled(relative_path):
        for statement in split_statements(read_sql(relative_path)):
            wanted = parameter_names(statement)
            missing = wanted - parameters.keys()
            if missing:
                raise KeyError(f"sql/{relative_path} needs parameters {sorted(missing)}")
            connection.execute(statement, {name: parameters[name] for name in wanted} or None)


def query_sql_file(
    connection: duckdb.DuckDBPyConnection, relative_path: str, **parameters: Any
) -> duckdb.DuckDBPyRelation:
    """Run a file holding one SELECT and return its relation (call `.pl()` or `.fetchall()` on it)."""
    statements = split_statements(read_sql(relative_path))
    if len(statements) != 1:
        raise ValueError(f"sql/{relative_path} must hold exactly one statement, found {len(statements)}")
    statement = statements[0]
    wanted = set(_PARAMETER.findall(statement))
    relation = connection.sql(statement, params={name: parameters[name] for name in wanted} or None)
    return ProfiledRelation(relation, relative_path) if profile_file() else relation


class ProfiledRelation:
    """A query's relation whose fetches are profiled under its file (a relation runs when it is fetched)."""

    _FETCHES = frozenset({"pl", "fetchall", "fetchone", "arrow", "df"})

    def __init__(self, relation: duckdb.DuckDBPyRelation, relative_path: str) -> None:
        self._relation = relation
        self._relative_path = relative_path

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._relation, name)
        if name not in self._FETCHES:
            return found

        def fetch(*args: Any, **kwargs: Any) -> Any:
            with profiled(self._relative_path):
                return found(*args, **kwargs)

        return fetch


def query_read_copy(database: Path, relative_path: str, **parameters: Any) -> list[tuple] | None:
    """The rows of `sql/<relative_path>` on the read copy at `database`, opened read-only (readers share it, so
    this never waits for a lock); None when there is no read copy yet."""
    if not database.exists():
        return None
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return query_sql_file(connection, relative_path, **parameters).fetchall()
    finally:
        connection.close()
