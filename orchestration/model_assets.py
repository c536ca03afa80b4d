"""The warehouse model: dimensions, amendment links, positions over time, beneficial ownership; then publish."""

import hashlib
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from orchestration.partitions import FIRST_XML_OWNERSHIP_DAY
from orchestration.progress import progress
from orchestration.publish import publish
from orchestration.refresh_chain import refresh_steps, table_lineage
from orchestration.resources import StorageResource
from orchestration.run_window import new_york_today, utc_now
from orchestration.settings import read_vehicle_overrides
from orchestration.sql_files import beside, query_sql_file, run_sql_file
from orchestration.sql_models import all_models
from orchestration.warehouse_connection import open_warehouse
from orchestration.warehouse_refresh import refresh_model
from transforms.edgar_calendar import calendar_rows
from transforms.refresh_chunks import REFRESH_CHUNK_FILINGS, refresh_chunks
from transforms.tables import CALENDAR, FILING_TABLES
from transforms.vehicles import Override

MODEL_TABLES = {
    "calendar": "One row per day: EDGAR business day or why EDGAR was closed.",
    "transaction_codes": "One row per SEC transaction code with its meaning and category.",
    "filing_status": "One row per filing: owner group, the filing it amends, what later amendments supersede.",
    "securities": "One row per security title as filed, with its normalized class.",
    "issuers": "One row per issuer and interval of its name and trading symbol.",
    "owners": "One row per owner and interval of its name and address.",
    "security_aliases": "One row per title an owner group filed for an issuer: the security it names and why.",
    "vehicle_decisions": "One row per current line: the vehicle it measures and the rule that decided it.",
    "positions": "One row per vehicle (what one line's figure measures) and validity interval.",
    "beneficial_ownership": "One row per owner group, security and interval: totals across vehicles.",
}
# How far the calendar reaches past today: filing deadlines of the coming year are business-day arithmetic too.
CALENDAR_HORIZON = timedelta(days=366)
# model_versions row remembering the overrides file the vehicles were last decided with.
OVERRIDES_VERSION = "vehicle_overrides"


def calendar_frame(last_needed: date) -> pl.DataFrame:
    first = date.fromisoformat(FIRST_XML_OWNERSHIP_DAY)
    return pl.DataFrame(calendar_rows(first, last_needed + CALENDAR_HORIZON), schema=CALENDAR, strict=True)


def overrides_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes() if path.is_file() else b"").hexdigest()


def overridden_accessions(connection: duckdb.DuckDBPyConnection, digest: str, overrides: list[Override]) -> list[str]:
    """When the overrides file changed since the last refresh, the filings whose groups it affects: the lines it
    names now and those an override decided before (an override removed must be undone)."""
    built = query_sql_file(connection, "model_runtime/model_version_built.sql", name=OVERRIDES_VERSION).fetchall()
    if built and built[0][0] == digest:
        return []
    named = {override.line[0] for override in overrides}
    named |= {override.target[0] for override in overrides if override.target}
    decided = {row[0] for row in query_sql_file(connection, beside(__file__, "overridden_accessions.sql")).fetchall()}
    return sorted(named | decided)


def refresh_pending(
    connection: duckdb.DuckDBPyConnection,
    overrides: list[Override],
    digest: str,
    calendar: pl.DataFrame,
    chunk_filings: int = REFRESH_CHUNK_FILINGS,
) -> int:
    """Refresh the model for every pending filing and every filing an override changed, in chunks of whole issuers
    of about `chunk_filings` filings, each its own transaction; returns the number of chunks."""
    issuer_of = dict(query_sql_file(connection, beside(__file__, "pending_model_accessions.sql")).fetchall())
    for accession in overridden_accessions(connection, digest, overrides):
        issuer_of.setdefault(accession, None)
    chunks = refresh_chunks(issuer_of.items(), chunk_filings)
    for chunk in progress(chunks, desc="model refresh", unit="chunk", disable=len(chunks) < 2):
        refresh_model(connection, chunk, calendar, overrides)
    return len(chunks)


def record_overrides(connection: duckdb.DuckDBPyConnection, digest: str) -> None:
    """After the refresh: a refresh that failed leaves the file's change to apply next run."""
    run_sql_file(connection, "model_runtime/model_version_record.sql", name=OVERRIDES_VERSION, digest=digest)


def model_table_deps(table: str, filing_table_loaders: Sequence[str] = ()) -> list[str]:
    """The assets `table`'s rows come from, as the refresh steps' headers say (refresh_chain.table_lineage); a
    table fed by the filing tables is fed too by the assets of other sources that load them (`filing_table_loaders`,
    which each source declares)."""
    lineage = table_lineage(refresh_steps(), {*FILING_TABLES, *MODEL_TABLES}).get(table, [])
    return [*lineage, *filing_table_loaders] if set(lineage) & set(FILING_TABLES) else lineage


def warehouse_model_asset(filing_table_loaders: Sequence[str] = ()) -> dg.AssetsDefinition:
    """The model's tables as one multi-asset, fed by the filing tables and by `filing_table_loaders`."""

    @dg.multi_asset(
        specs=[
            dg.AssetSpec(
                table, description=description, deps=model_table_deps(table, filing_table_loaders), kinds={"duckdb"}
            )
            for table, description in MODEL_TABLES.items()
        ],
        group_name="model",
        name="warehouse_model",
    )
    def warehouse_model(storage: StorageResource):
        """Rebuild what the loads since the last refresh changed, for their filings' issuers, owners and owner
        groups only, in one transaction per chunk of whole issuers (a run stopped after its load, or between chunks,
        leaves the filings not yet refreshed pending for the next run's refresh; a long backlog is refreshed a chunk
        at a time so memory follows the chunk, transforms/refresh_chunks.py).

        Scoping keeps the nightly cost proportional to the day's filings and their groups' histories, not to the
        warehouse. The model is not partitioned by day: it is one state of the whole warehouse, and a partitioned
        asset costs Dagster two event-log writes per day of a backfill (seconds of every long backfill for these
        tables and models alone: docs/performance.md).
        """
        overrides_path = storage.vehicle_overrides_path
        overrides, digest = read_vehicle_overrides(overrides_path), overrides_digest(overrides_path)
        with open_warehouse(storage.warehouse_path) as connection:
            refresh_pending(connection, overrides, digest, calendar_frame(new_york_today()))
            record_overrides(connection, digest)
            counts = dict(query_sql_file(connection, "queries/table_row_counts.sql").fetchall())
        for table in MODEL_TABLES:
            yield dg.MaterializeResult(asset_key=table, metadata={"dagster/row_count": counts[table]})

    return warehouse_model


@dg.asset(
    deps=[*MODEL_TABLES, *all_models(), "alerts"],
    group_name="model",
    kinds={"duckdb"},
)
def published_warehouse(storage: StorageResource) -> dg.MaterializeResult:
    """Replace the analysts' read copy with this run's warehouse, atomically (open readers keep their snapshot)."""
    with open_warehouse(storage.warehouse_path) as connection:
        run_sql_file(connection, "model_runtime/clear_model_scope.sql")
        run_sql_file(connection, beside(__file__, "record_published.sql"), now=utc_now())
    published = publish(storage.warehouse_path, storage.published_path)
    size = published.path.stat().st_size
    return dg.MaterializeResult(
        metadata={"path": str(published.path), "bytes": size, "bytes written": published.bytes_written}
    )
