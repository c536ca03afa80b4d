"""Upgrades migrate: a warehouse of an earlier release, migrated, is the warehouse this release builds fresh."""

import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.migrations import SchemaTooNewError, all_migrations, latest_version, pending_migrations
from orchestration.sql_files import SQL_ROOT, read_sql
from orchestration.warehouse_connection import connect, ensure_schema

BASELINE = "migrations/0001_baseline.sql"


def schema_of(connection: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Every column of every base table as DuckDB reports it, in the table's own order."""
    return connection.sql(
        """
        select table_name, column_index, column_name, data_type, column_default, is_nullable
        from duckdb_columns()
        where database_name = current_database() and schema_name = 'main' and not internal
            and table_name in (select table_name from duckdb_tables() where not temporary)
        order by table_name, column_index
        """
    ).fetchall()


def compression_of(connection: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The compression each column was declared with (DuckDB keeps it in the table's SQL)."""
    return connection.sql(
        "select table_name, sql from duckdb_tables() where schema_name = 'main' order by table_name"
    ).fetchall()


def stamp_version(connection: duckdb.DuckDBPyConnection, version: int, name: str) -> None:
    """Record the warehouse as a release of schema `version` left it: the migrations after it not applied."""
    connection.execute("delete from schema_version")
    connection.execute("insert into schema_version values (?, ?, now()::timestamp)", [version, name])


def migrated_from(path: Path, version: int) -> duckdb.DuckDBPyConnection:
    """The warehouse at `path`, stamped at `version`, opened as a run opens it: every later migration applied."""
    connection = connect(path)
    assert [m.version for m in ensure_schema(connection)] == list(range(version + 1, latest_version() + 1))
    return connection


def build_release(path: Path, release_sql: str) -> None:
    """A warehouse exactly as an earlier release left it: its tables only, no version recorded."""
    connection = duckdb.connect(str(path))
    try:
        connection.execute(release_sql)
    finally:
        connection.close()


def fresh_schema(tmp_path: Path) -> tuple[list[tuple], list[tuple]]:
    connection = connect(tmp_path / "fresh.duckdb")
    try:
        ensure_schema(connection)
        return schema_of(connection), compression_of(connection)
    finally:
        connection.close()


def test_migration_files_run_one_two_three_and_a_fresh_warehouse_records_the_latest(tmp_path: Path):
    versions = [migration.version for migration in all_migrations()]
    assert versions == list(range(1, len(versions) + 1)) and len(versions) >= 2
    connection = connect(tmp_path / "warehouse.duckdb")
    try:
        assert ensure_schema(connection) == []
        assert connection.sql("select version, migration from schema_version").fetchall() == [
            (latest_version(), "fresh")
        ]
        assert ensure_schema(connection) == []  # nothing to do the second time
    finally:
        connection.close()


def test_the_previous_release_migrated_equals_a_fresh_warehouse_and_keeps_its_rows(tmp_path: Path):
    path = tmp_path / "release.duckdb"
    build_release(path, read_sql(BASELINE))
    old = duckdb.connect(str(path))
    try:
        old.execute(
            "insert into filings (accession_number, form_type, filing_date) "
            "values ('0000000001-24-000001', '4', date '2024-03-01')"
        )
        old.execute(
            "insert into positions (issuer_cik, owner_group_key, security_key, table_kind, valid_from, shares) "
            "values (1, 'g', 'common stock', 'non_derivative', date '2024-01-01', 1e20), "
            "(2, 'h', 'common stock', 'non_derivative', date '2024-01-01', 5)"
        )
        old.execute(
            "insert into beneficial_ownership (issuer_cik, owner_group_key, security_key, valid_from, total_shares, "
            "vehicles) values (1, 'g', 'common stock', date '2024-01-01', 1e20, 1), "
            "(2, 'h', 'common stock', date '2024-01-01', 5, 1)"
        )
    finally:
        old.close()
    connection = connect(path)
    try:
        applied = ensure_schema(connection)
        assert [m.version for m in applied] == list(range(1, latest_version() + 1))
        migrated = schema_of(connection), compression_of(connection)
        recorded = connection.sql("select version from schema_version order by version").fetchall()
        filings = connection.sql("select accession_number, form_type, filing_date from filings").fetchall()
        owned = connection.sql(
            "select issuer_cik, total_shares, flag_amount_out_of_range from beneficial_ownership order by 1"
        ).fetchall()
    finally:
        connection.close()
    assert migrated == fresh_schema(tmp_path)
    assert recorded == [(version,) for version in range(1, latest_version() + 1)]
    assert filings == [("0000000001-24-000001", "4", date(2024, 3, 1))]
    # Migration 2 gives existing rows what a refresh would: NULL totals where a vehicle is beyond the models' range.
    assert owned == [(1, None, True), (2, Decimal("5.000000"), False)]


def test_every_schema_change_comes_with_its_migration(tmp_path: Path):
    """sql/ddl/ changed without a migration: the baseline plus the migrations no longer build what it builds."""
    path = tmp_path / "release.duckdb"
    build_release(path, read_sql(BASELINE))
    connection = connect(path)
    try:
        ensure_schema(connection)
        assert (schema_of(connection), compression_of(connection)) == fresh_schema(tmp_path)
    finally:
        connection.close()
    assert all((SQL_ROOT / m.relative_path).is_file() for m in all_migrations())


def test_a_migration_that_fails_leaves_the_warehouse_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "release.duckdb"
    build_release(path, read_sql(BASELINE))
    before = duckdb.connect(str(path))
    try:
        schema_before = schema_of(before)
    finally:
        before.close()
    broken = tmp_path / "sql"
    (broken / "migrations").mkdir(parents=True)
    for migration in all_migrations():
        text = (SQL_ROOT / migration.relative_path).read_text()
        if migration.version == latest_version():
            text += "\nselect no_such_column from filings;\n"
        (broken / migration.relative_path).write_text(text)
    import orchestration.migrations as migrations
    import orchestration.sql_files as sql_files

    monkeypatch.setattr(migrations, "MIGRATIONS_FOLDER", broken / "migrations")
    real_read = sql_files.read_sql.__wrapped__
    monkeypatch.setattr(
        sql_files,
        "read_sql",
        lambda relative: (broken / relative).read_text() if relative.startswith("migrations/") else real_read(relative),
    )
    connection = connect(path)
    try:
        with pytest.raises(duckdb.BinderException):
            ensure_schema(connection)
        assert schema_of(connection) == schema_before
        assert "schema_version" not in {row[0] for row in connection.sql("show tables").fetchall()}
    finally:
        connection.close()


def test_a_warehouse_from_a_newer_release_is_refused(tmp_path: Path):
    connection = connect(tmp_path / "warehouse.duckdb")
    try:
        ensure_schema(connection)
        connection.execute(
            "insert into schema_version values (?, 'from the future', ?)", [latest_version() + 1, datetime(2030, 1, 1)]
        )
        with pytest.raises(SchemaTooNewError, match="newer than this release"):
            pending_migrations(connection)
    finally:
        connection.close()


def test_the_migrate_command_upgrades_and_says_what_it_ran(tmp_path: Path):
    build_release(tmp_path / "warehouse.duckdb", read_sql(BASELINE))
    env = {"INSIDER_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert f"to schema version {latest_version()}" in done.stderr
    again = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0 and again.stderr == ""


def test_migration_3_rebuilds_every_owner_groups_vehicles_on_the_next_refresh(tmp_path: Path):
    """A warehouse of real filings as migration 2 left it (title-keyed positions, no vehicle tables): after the
    migration the next refresh rebuilds every group, and the positions equal a fresh build's."""
    from orchestration.model_assets import calendar_frame
    from orchestration.warehouse_refresh import refresh_model
    from tests.real_corpus import build_real_warehouse
    from tests.test_vehicles_real import FIXTURE_REAL

    fresh = build_real_warehouse(tmp_path / "fresh.duckdb", FIXTURE_REAL)
    expected = fresh.sql("select * exclude (flag_same_day_conflict) from positions order by all").fetchall()
    fresh.close()
    old = build_real_warehouse(tmp_path / "old.duckdb", FIXTURE_REAL)
    try:  # back to version 2: the vehicle tables and flag gone, positions as the title key made them
        old.execute("drop table vehicle_decisions; drop table security_aliases; drop table filing_sources")
        old.execute("alter table positions drop column flag_same_day_conflict")
        old.execute("update positions set position_key = md5(security_key || coalesce(nature_of_ownership, ''))")
        old.execute("delete from model_pending")
        stamp_version(old, 2, "beneficial_ownership_amount_flag")
    finally:
        old.close()
    connection = migrated_from(tmp_path / "old.duckdb", 2)
    try:
        pending = [row[0] for row in connection.sql("select accession_number from model_pending").fetchall()]
        assert len(pending) == connection.sql("select count(*) from filings").fetchall()[0][0] > 100
        refresh_model(connection, pending, calendar_frame(date(2026, 1, 1)))
        rebuilt = connection.sql("select * exclude (flag_same_day_conflict) from positions order by all").fetchall()
        assert connection.sql("select count(*) from model_pending").fetchall() == [(0,)]
    finally:
        connection.close()
    assert rebuilt == expected


def test_migration_5_gives_every_title_its_smallest_accession_as_a_fresh_build_does(tmp_path: Path):
    """A warehouse whose securities kept a later filing as a title's first (as releases before migration 5 did when
    older filings arrived later): after the migration, securities equal a fresh build's."""
    from tests.real_corpus import build_real_warehouse
    from tests.test_vehicles_real import FIXTURE_REAL

    fresh = build_real_warehouse(tmp_path / "fresh.duckdb", FIXTURE_REAL)
    expected = fresh.sql("select * from securities order by all").fetchall()
    fresh.close()
    old = build_real_warehouse(tmp_path / "old.duckdb", FIXTURE_REAL)
    try:  # back to version 4, each title's first filing the last one naming it
        old.execute(
            """
            update securities set first_accession_number = latest.accession_number
            from (
                select security_title, max(accession_number) as accession_number
                from (select security_title, accession_number from transactions
                      union all select security_title, accession_number from holdings)
                group by all
            ) as latest
            where securities.security_title = latest.security_title
            """
        )
        stamp_version(old, 4, "form345_data_sets")
        assert old.sql("select * from securities order by all").fetchall() != expected
    finally:
        old.close()
    connection = migrated_from(tmp_path / "old.duckdb", 4)
    try:
        assert connection.sql("select * from securities order by all").fetchall() == expected
    finally:
        connection.close()


def test_migration_9_gives_every_row_its_filings_issuer_as_a_fresh_build_does(tmp_path: Path):
    """A fresh build copies each filing's issuer onto its rows; a warehouse of version 8 (no such column) gets the
    same values from the migration."""
    from tests.real_corpus import build_real_warehouse
    from tests.test_vehicles_real import FIXTURE_REAL
    from transforms.tables import ISSUER_COPIED_TO

    fresh = build_real_warehouse(tmp_path / "fresh.duckdb", FIXTURE_REAL)
    # Compared by column name: the version-8 warehouse below is a fresh one less the column, so a column a later
    # version added (one a recipe adds) stands before the migrated one, where a real version-8 warehouse has none.
    names = {table: ", ".join(fresh.table(table).columns) for table in ISSUER_COPIED_TO}
    expected = {table: sorted(fresh.table(table).project(names[table]).fetchall(), key=repr) for table in names}
    for table in ISSUER_COPIED_TO:  # the copy is the filing's own issuer, row for row
        [(rows, copied, differing)] = (
            fresh.table(table)
            .query(
                "copied_rows",
                """
                select count(*), count(copied_rows.filing_issuer_cik),
                    count(*) filter (where copied_rows.filing_issuer_cik is distinct from filings.issuer_cik)
                from copied_rows left join filings using (accession_number)
                """,
            )
            .fetchall()
        )
        assert rows > 0 and copied == rows and differing == 0, table
    fresh.close()
    old = build_real_warehouse(tmp_path / "old.duckdb", FIXTURE_REAL)
    try:  # back to version 8
        for table in ISSUER_COPIED_TO:
            old.execute(f"alter table {table} drop column filing_issuer_cik")
        stamp_version(old, 8, "alerts")
    finally:
        old.close()
    connection = migrated_from(tmp_path / "old.duckdb", 8)
    try:
        for table in ISSUER_COPIED_TO:
            assert sorted(connection.table(table).project(names[table]).fetchall(), key=repr) == expected[table], table
    finally:
        connection.close()


def test_a_table_a_migration_brings_is_stated_once_in_its_ddl_file():
    """Past the baseline (the tables of the release before versions), a migration names the tables it brings in a
    `-- creates:` line and never writes a `create table` of its own: sql/ddl/ is the one statement of each table."""
    import re

    from orchestration.migrations import created_tables

    ddl = {path.stem for path in (SQL_ROOT / "ddl").glob("*.sql")}
    for migration in all_migrations()[1:]:
        text = read_sql(migration.relative_path)
        assert not re.search(r"^\s*create\s+table", text, re.IGNORECASE | re.MULTILINE), migration.relative_path
        assert set(created_tables(migration)) <= ddl, migration.relative_path
    assert created_tables(all_migrations()[3]) == ["filing_sources", "f345_reconciliation"]
