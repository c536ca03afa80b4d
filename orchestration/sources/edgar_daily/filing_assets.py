"""Parse and load: archived submissions → typed frames → the filing tables, one transaction per batch."""

from collections import Counter

import dagster as dg
import duckdb
import polars as pl

from orchestration.parse_pool import ParsedBatch, parsed_batches
from orchestration.partitions import daily_partitions
from orchestration.progress import progress
from orchestration.resources import EdgarResource, ParsingResource, StorageResource
from orchestration.run_window import utc_now, window_days
from orchestration.sources.edgar_daily.damaged_copies import refetch_loaded
from orchestration.sources.edgar_daily.submission_assets import filings_for_run
from orchestration.sql_files import beside, query_sql_file, run_sql_file
from orchestration.warehouse_connection import open_warehouse, registered
from orchestration.warehouse_load import load_filings
from transforms.document_kinds import KIND_TABLE_DESCRIPTIONS


def loaded_by_feed(connection: duckdb.DuckDBPyConnection, accessions: list[str]) -> set[str]:
    """The accessions a feed run already loaded from the archived copy this run would parse again."""
    frame = pl.DataFrame({"accession_number": accessions}, schema={"accession_number": pl.String})
    with registered(connection, {"batch_accessions": frame}):
        return {row[0] for row in query_sql_file(connection, beside(__file__, "loaded_by_feed.sql")).fetchall()}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(table, description=description, deps=["raw_submissions"], kinds={"duckdb"})
        for table, description in KIND_TABLE_DESCRIPTIONS.items()
    ],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="warehouse",
)
def filing_tables(
    context: dg.AssetExecutionContext, storage: StorageResource, parsing: ParsingResource, edgar: EdgarResource
):
    """Parse every archived submission of the run and replace its rows in the tables of its document kind.

    Each batch is one transaction that deletes the batch's parsed accessions and inserts their new rows, so a
    rerun replaces and a crash leaves the previous state. A filing that does not parse is an ingest failure of
    stage `parse` and keeps what the warehouse already had of it: a loaded filing whose archived copy turns out
    damaged is fetched again in the same run, and keeps its rows if that fails too. A filing the latest-filings feed
    already loaded from the same archived copy is left as it is: the nightly does no work for it.
    """
    days = window_days(context)
    with open_warehouse(storage.warehouse_path) as connection:
        targets, _ = filings_for_run(connection, days)
        from_feed = loaded_by_feed(connection, [target.accession_number for target in targets])
    archive = storage.raw_archive
    archived = [
        target
        for target in targets
        if archive.has(target.accession_number) and target.accession_number not in from_feed
    ]
    with open_warehouse(storage.warehouse_path) as connection:
        run_sql_file(connection, "load/start_load_scope.sql")
    loaded_rows: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    set_aside: list[str] = []

    def load(batch: ParsedBatch) -> None:
        with open_warehouse(storage.warehouse_path) as connection:
            load_filings(connection, batch.accessions, batch.frames, batch.failures, batch.resolved, utc_now())
        loaded_rows.update({table: frame.height for table, frame in batch.frames.items()})

    with progress(total=len(archived), desc="parse and load", unit="filing") as bar:
        for batch in parsed_batches(archive.root, archived, parsing.resolved_workers()):
            load(batch)
            reasons.update(str(row["reason"]) for row in batch.failures)
            set_aside += batch.refetchable()
            bar.update(batch.size)
    aside = set(set_aside)
    damaged = [target for target in archived if target.accession_number in aside]
    refetch = refetch_loaded(storage, edgar, damaged, load)
    if reasons:
        context.log.warning(f"{sum(reasons.values())} submissions did not parse: {dict(reasons)}")
    if refetch.damaged:
        context.log.warning(refetch.describe())
    for table in KIND_TABLE_DESCRIPTIONS:
        metadata: dict[str, object] = {"dagster/row_count": loaded_rows[table]}
        if table == "filings":
            metadata |= {
                "parse_failures": sum(reasons.values()),
                **{f"failures_{r}": n for r, n in sorted(reasons.items())},
                "already loaded by the feed, not parsed again": len(from_feed),
                "loaded filings whose archived copy was damaged": refetch.damaged,
                "… fetched again and reloaded": refetch.reloaded,
                "… kept as loaded (fetching again failed)": len(refetch.kept),
            }
        yield dg.MaterializeResult(asset_key=table, metadata=metadata)
