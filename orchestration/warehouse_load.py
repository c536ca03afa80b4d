"""The one write path of loads into the DuckDB warehouse: every load is one explicit transaction.

A crash anywhere inside a write rolls the whole batch back, so the warehouse holds each filing (or index day)
completely or not at all, and a rerun replaces rather than duplicates. Each load records its outcomes (failures
and what they resolve) in the same transaction.
"""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import duckdb
import polars as pl

from orchestration.sql_files import query_sql_file, run_sql_file
from orchestration.warehouse_connection import registered, transaction
from transforms.document_kinds import KINDS

FAILURE_SCHEMA = pl.Schema(
    {
        "subject": pl.String(),
        "stage": pl.String(),
        "reason": pl.String(),
        "detail": pl.String(),
        "url": pl.String(),
        "partition_date": pl.Date(),
    }
)

RESOLVED_SCHEMA = pl.Schema({"subject": pl.String(), "stage": pl.String()})


def _write(
    connection: duckdb.DuckDBPyConnection,
    batch: Mapping[str, pl.DataFrame],
    steps: list[tuple[str, dict[str, Any]]],
) -> None:
    """Register the batch frames, run the SQL files of `steps` in one transaction, unregister."""
    with registered(connection, batch), transaction(connection):
        for relative_path, parameters in steps:
            run_sql_file(connection, relative_path, **parameters)


def _outcome_frames(failures: list[dict[str, object]], resolved: list[tuple[str, str]]) -> dict[str, pl.DataFrame]:
    return {
        "batch_failures": pl.DataFrame(failures, schema=FAILURE_SCHEMA),
        "batch_resolved": pl.DataFrame(resolved, schema=RESOLVED_SCHEMA, orient="row"),
    }


_OUTCOME_FILES = ("load/record_failures.sql", "load/resolve_failures.sql")


def load_filings(
    connection: duckdb.DuckDBPyConnection,
    accessions: list[str],
    frames: Mapping[str, pl.DataFrame],
    failures: list[dict[str, object]],
    resolved: list[tuple[str, str]],
    now: datetime,
    source: str = "filing",
    f345_quarter: str | None = None,
) -> None:
    """Replace all rows of `accessions` in every filing table, and in the tables of every other document kind whose
    frames the batch has, and record the batch's outcomes, atomically.

    `source` is where the rows came from: 'filing' (parsed submissions) or 'f345' (the data set of `f345_quarter`).
    """
    batch = {f"batch_{table}": frame for table, frame in frames.items()}
    batch["batch_accessions"] = pl.DataFrame({"accession_number": accessions}, schema={"accession_number": pl.String})
    batch.update(_outcome_frames(failures, resolved))
    run_sql_file(connection, "load/relax_insertion_order.sql")  # a setting, not data: outside the transaction
    try:
        with registered(connection, batch), transaction(connection):
            run_sql_file(connection, "load/find_replaced_filings.sql")
            if query_sql_file(connection, "load/replaced_filing_count.sql").fetchall()[0][0]:
                run_sql_file(connection, "load/delete_replaced_filings.sql")
            run_sql_file(connection, "load/insert_filing_rows.sql", source=source, f345_quarter=f345_quarter, now=now)
            for kind in KINDS:
                if kind.load_files and all(table in frames for table in kind.tables):
                    for path in kind.load_files:
                        run_sql_file(connection, path, source=source, f345_quarter=f345_quarter, now=now)
            for path in _OUTCOME_FILES:
                run_sql_file(connection, path, now=now)
    finally:
        run_sql_file(connection, "load/restore_insertion_order.sql")


def load_index_days(
    connection: duckdb.DuckDBPyConnection,
    index_days: pl.DataFrame,
    index_entries: pl.DataFrame,
    failures: list[dict[str, object]],
    resolved: list[tuple[str, str]],
    now: datetime,
) -> None:
    """Replace the index days and the entries they list and record the batch's outcomes, atomically."""
    batch = {"batch_index_days": index_days, "batch_index_entries": index_entries}
    batch.update(_outcome_frames(failures, resolved))
    steps = [("load/replace_index_days.sql", {})] + [(path, {"now": now}) for path in _OUTCOME_FILES]
    _write(connection, batch, steps)


def record_outcomes(
    connection: duckdb.DuckDBPyConnection,
    failures: list[dict[str, object]],
    resolved: list[tuple[str, str]],
    now: datetime,
) -> None:
    """Record new failures (attempts counted) and resolve the ones that now succeeded, in one transaction."""
    _write(connection, _outcome_frames(failures, resolved), [(path, {"now": now}) for path in _OUTCOME_FILES])


def failure(subject: str, stage: str, reason: str, detail: str, url: str | None, day: date) -> dict[str, object]:
    """One row for the `failures` argument of the load functions."""
    return {"subject": subject, "stage": stage, "reason": reason, "detail": detail, "url": url, "partition_date": day}
