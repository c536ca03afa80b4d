"""Each table's shape is stated twice (pl.Schema and sql/ddl/); DuckDB itself must see the two as the same."""

from pathlib import Path

import duckdb
import polars as pl
import pytest

from orchestration.model_assets import MODEL_TABLES
from orchestration.sql_files import SQL_ROOT
from orchestration.warehouse_connection import connect, ensure_schema
from transforms.document_kinds import KIND_TABLES
from transforms.tables import ALL_TABLES, stored_schema


def describe(connection: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str]]:
    """Each column's name and type as DuckDB's DESCRIBE states them, as text."""
    return (
        connection.table(name)
        .query("described", "select column_name, column_type from (describe described)")
        .fetchall()
    )


@pytest.mark.parametrize("table", sorted({*ALL_TABLES, *KIND_TABLES}))
def test_ddl_and_polars_schema_agree_column_for_column(tmp_path: Path, table: str):
    connection = connect(tmp_path / "warehouse.duckdb")
    ensure_schema(connection)
    schema = stored_schema(table) if table in ALL_TABLES else KIND_TABLES[table]
    connection.register("frame_shape", pl.DataFrame(schema=schema).to_arrow())
    assert describe(connection, table) == describe(connection, "frame_shape")


def test_every_ddl_file_states_grain_and_key_and_has_a_schema_or_is_pipeline_state():
    # Tables the pipeline fills from Python frames have a pl.Schema; the model's tables are built by SQL
    # (sql/refresh/, `insert … by name`), so their DDL is their only statement of shape.
    pipeline_state = {
        "ingest_failures",
        "filing_sources",  # filled by the load's SQL from $source, not from a frame
        "f345_reconciliation",  # filled from transforms/f345/reconcile.py RECONCILIATION by SQL
        "load_scope",
        "load_scope_parties",
        "model_pending",
        "model_scope",
        "model_scope_filings",
        "model_scope_days",
        "model_scope_groups",
        "model_versions",
        "schema_version",
        "schema_objects",
        "feed_polls",  # a poll's cursor, written by SQL from its values
        "filing_latency",  # filled by SQL from a poll's filings
        "alerts",  # merged by SQL from the screens
        "alert_deliveries",  # a post to the webhook, recorded by SQL
    } | set(MODEL_TABLES)
    for path in sorted((SQL_ROOT / "ddl").glob("*.sql")):
        head = path.read_text(encoding="utf-8").splitlines()[:2]
        assert head[0].startswith("-- grain: ") and head[1].startswith("-- key: "), path.name
        assert path.stem in {*ALL_TABLES, *KIND_TABLES} or path.stem in pipeline_state, path.name


def test_schema_creation_is_idempotent(tmp_path: Path):
    connection = connect(tmp_path / "warehouse.duckdb")
    ensure_schema(connection)
    before = connection.sql("select table_name, column_name, data_type from information_schema.columns").fetchall()
    ensure_schema(connection)
    after = connection.sql("select table_name, column_name, data_type from information_schema.columns").fetchall()
    assert sorted(before) == sorted(after) and before


def test_a_leaf_a_later_schema_adds_goes_last_in_its_table_as_its_migration_puts_it():
    """Adding an XML element as a column is three files (its leaf, its DDL line, its migration) only if the column
    lands where `alter table … add column` puts it in an upgraded warehouse: last."""
    from transforms.ownership_fields import TRANSACTION_LEAVES, Leaf
    from transforms.tables import TRANSACTIONS, row_schema

    newest = max(leaf.schema_version for leaf in TRANSACTION_LEAVES)
    added = Leaf("trade_venue", "tradeVenue", "text", schema_version=max(newest, 9) + 1)
    schema = row_schema((added, *TRANSACTION_LEAVES))
    assert list(schema)[: len(TRANSACTIONS)] == list(TRANSACTIONS)
    assert list(schema)[len(TRANSACTIONS) :] == ["trade_venue", "trade_venue_footnote_ids"]
