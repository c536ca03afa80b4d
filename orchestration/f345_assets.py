"""The SEC's Form 345 data sets as a Dagster asset, one partition per quarter from 2006q1.

Each quarter's zip is fetched through the same EDGAR client as everything else (User-Agent, the shared rate
limit, back-off), kept under data/raw/f345/, and loaded into the filing tables (orchestration/f345_load.py); the
model refresh, SQL models and the read copy follow in the same run. A quarter the SEC has not published yet is
reported as such and is not a failure.
"""

from datetime import datetime

import dagster as dg
from tqdm import tqdm

from orchestration.f345_load import load_f345_quarter, verify_quarter
from orchestration.resources import EdgarResource, StorageResource
from orchestration.run_window import utc_now
from orchestration.sql_files import query_sql_file
from orchestration.warehouse import open_warehouse
from transforms.edgar_client import NotFoundError
from transforms.f345 import quarter_frames
from transforms.f345_files import FIRST_QUARTER, candidate_paths, quarter_label, read_quarter_zip, zip_name

quarterly_partitions = dg.TimeWindowPartitionsDefinition(
    start=datetime.combine(FIRST_QUARTER, datetime.min.time()),
    cron_schedule="0 0 1 1,4,7,10 *",
    fmt="%Y-%m-%d",
)


def fetch_quarter_zip(client, storage: StorageResource, label: str) -> bytes | None:
    """The quarter's zip, from the raw archive or EDGAR (kept there, written whole then renamed); None if the SEC
    has not published it."""
    kept = storage.root / "raw" / "f345" / zip_name(label)
    if kept.exists():
        return kept.read_bytes()
    for path in candidate_paths(label):
        try:
            data = client.get(path)
        except NotFoundError:
            continue
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(kept)
        return data
    return None


class F345Config(dg.Config):
    """`verify`: filings per quarter to fetch from EDGAR after the load, to measure how well the set agrees with
    them (their own rows then replace the set's); 0 fetches none."""

    verify: int = 0


@dg.asset(
    partitions_def=quarterly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="f345",
    kinds={"duckdb"},
)
def f345_quarter(
    context: dg.AssetExecutionContext, config: F345Config, storage: StorageResource, edgar: EdgarResource
) -> dg.MaterializeResult:
    """The run's quarters of the Form 345 data sets loaded into the filing tables (filing_sources: 'f345'), each
    in its own transaction; filings already loaded from their own submission are left as they are."""
    client = edgar.client(storage)
    with open_warehouse(storage.warehouse_path) as connection:
        [(limit,)] = query_sql_file(connection, "queries/memory_limit.sql").fetchall()
    context.log.info(f"loading under a DuckDB memory limit of {limit}")
    quarters: dict[str, dict[str, object]] = {}
    for key in tqdm(
        context.partition_keys, desc="f345 quarters", unit="quarter", disable=len(context.partition_keys) < 2
    ):
        label = quarter_label(datetime.fromisoformat(key).date())
        data = fetch_quarter_zip(client, storage, label)
        if data is None:
            context.log.info(f"{label}: the SEC has not published this quarter's data set (yet)")
            quarters[label] = {"published": False}
            continue
        rows = quarter_frames(read_quarter_zip(data))
        if rows.orphan_rows:
            context.log.warning(
                f"{label}: rows left out because SUBMISSION.tsv does not list their accession: {rows.orphan_rows}"
            )
        with open_warehouse(storage.warehouse_path) as connection:
            loaded = load_f345_quarter(connection, label, rows, utc_now())
            verified = (
                verify_quarter(connection, client, storage.raw_archive, label, rows, config.verify, utc_now())
                if config.verify > 0
                else None
            )
        quarters[label] = {
            "published": True,
            "filings loaded": loaded.loaded,
            "filings kept from their submission": loaded.kept,
            "unknown columns": [f"{name}/{column}" for name, column in rows.unknown_columns],
            "unparsed values": rows.unparsed_values,
            "rows whose accession SUBMISSION.tsv lacks (left out)": rows.orphan_rows,
        }
        if verified is not None:
            compared = verified.reconciliation
            quarters[label] |= {
                "filings verified": verified.fetched,
                "filings that could not be verified": verified.failed,
                "agreement": f"{int(compared['agreeing'].sum())} of {int(compared['compared'].sum())} values",
            }
    return dg.MaterializeResult(
        metadata={
            "quarters": dg.MetadataValue.json(quarters),
            "filings loaded": sum(int(quarter.get("filings loaded", 0)) for quarter in quarters.values()),
            "quarters not published": [label for label, quarter in quarters.items() if not quarter["published"]],
            "DuckDB memory limit": limit,
        }
    )
