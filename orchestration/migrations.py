"""Schema versions: a warehouse records the schema it holds, and an older one is migrated in one transaction.

`sql/ddl/` is the current schema, documented table by table; a new warehouse is built from it. `sql/migrations/`
is how an existing warehouse gets there: `NNNN_name.sql`, run in order, each recorded in `schema_version`. A table a
migration brings is not written out again there: its `-- creates: a, b` line runs `sql/ddl/a.sql` and `b.sql`
first, so the DDL file stays the one statement of the table (a later migration adding a column uses
`add column if not exists`, which the table created from today's DDL already has).
Migration 1 is the baseline, the tables of the last release before versions were recorded (a warehouse without
`schema_version` starts there). `tests/test_migrations.py` builds a warehouse from each release's schema, migrates
it and requires it to equal a fresh one, so a change to `sql/ddl/` without its migration fails the tests.
"""

import re
from dataclasses import dataclass
from datetime import datetime

import duckdb

from orchestration.sql_files import SQL_ROOT, beside, query_sql_file, run_sql_file

MIGRATIONS_FOLDER = SQL_ROOT / "migrations"
_MIGRATION_NAME = re.compile(r"(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql")


class SchemaTooNewError(RuntimeError):
    """The warehouse was written by a newer release than this one: an older release must not touch it."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str

    @property
    def relative_path(self) -> str:
        return f"migrations/{self.version:04d}_{self.name}.sql"


_CREATES = re.compile(r"^--\s*creates:\s*(.+)$", re.MULTILINE)


def created_tables(migration: Migration) -> list[str]:
    """The tables a migration brings, created from their DDL file before it runs (its `-- creates:` line)."""
    text = (SQL_ROOT / migration.relative_path).read_text(encoding="utf-8")
    return [name.strip() for line in _CREATES.findall(text) for name in line.split(",") if name.strip()]


def all_migrations() -> list[Migration]:
    """Every migration file, in version order; versions must run 1, 2, 3 … without a gap."""
    found = []
    for path in sorted(MIGRATIONS_FOLDER.glob("*.sql")):
        match = _MIGRATION_NAME.fullmatch(path.name)
        if match is None:
            raise ValueError(f"{path} is not named NNNN_lowercase_name.sql")
        found.append(Migration(int(match["version"]), match["name"]))
    versions = [migration.version for migration in found]
    if versions != list(range(1, len(found) + 1)):
        raise ValueError(f"migration versions must run 1, 2, 3 … without gaps; found {versions}")
    return found


def latest_version() -> int:
    return all_migrations()[-1].version


def recorded_version(connection: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version the warehouse holds: None for an empty database, 0 for one from before versions."""
    tables = {name for (name,) in query_sql_file(connection, beside(__file__, "schema_tables.sql")).fetchall()}
    if "schema_version" in tables:
        version = query_sql_file(connection, beside(__file__, "schema_version.sql")).fetchall()[0][0]
        return 0 if version is None else version
    return 0 if tables else None


def pending_migrations(connection: duckdb.DuckDBPyConnection) -> list[Migration]:
    """The migrations an existing warehouse still needs (none for an empty database, which is built fresh)."""
    version = recorded_version(connection)
    latest = latest_version()
    if version is None:
        return []
    if version > latest:
        raise SchemaTooNewError(
            f"the warehouse holds schema version {version}, newer than this release's {latest}: it was written by "
            "a newer release of insider-warehouse. Update this checkout (git pull, then make setup) before running."
        )
    return [migration for migration in all_migrations() if migration.version > version]


def migrate(connection: duckdb.DuckDBPyConnection, now: datetime) -> list[Migration]:
    """Bring the warehouse to the latest schema in the caller's transaction; returns the migrations applied.

    An empty database gets the current schema from `sql/ddl/` and is recorded at the latest version.
    """
    if recorded_version(connection) is None:
        for path in sorted((SQL_ROOT / "ddl").glob("*.sql")):
            run_sql_file(connection, str(path.relative_to(SQL_ROOT)))
        run_sql_file(
            connection, beside(__file__, "record_schema_version.sql"), version=latest_version(), name="fresh", now=now
        )
        return []
    pending = pending_migrations(connection)
    for migration in pending:
        for table in created_tables(migration):
            run_sql_file(connection, f"ddl/{table}.sql")
        run_sql_file(connection, migration.relative_path)
        run_sql_file(connection, "ddl/schema_version.sql")  # the version table is itself part of every schema
        run_sql_file(
            connection,
            beside(__file__, "record_schema_version.sql"),
            version=migration.version,
            name=migration.name,
            now=now,
        )
    return pending
