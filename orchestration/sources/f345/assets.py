"""The SEC's Form 345 data sets as a Dagster asset, one partition per quarter from 2006q1.

Each quarter's zip is fetched through the same EDGAR client as everything else (User-Agent, the shared rate
limit, back-off), kept under data/raw/f345/, and loaded into the filing tables (orchestration/sources/f345/load.py); the
model refresh, SQL models and the read copy follow in the same run. A quarter the SEC has not published yet is
reported as such and is not a failure; one that cannot be fetched or read is recorded in ingest_failures, the
others load, and `f345_outcome`, after publishing, fails the run naming it.
"""

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.data_folder import DataFolder
from orchestration.progress import progress
from orchestration.resources import EdgarResource, StorageResource
from orchestration.run_window import new_york_today, utc_now
from orchestration.sources.f345.load import (
    F345_STAGE,
    load_f345_quarter,
    load_left_out,
    quarter_subject,
    verify_quarter,
)
from orchestration.sources.load_jobs import OUTCOME_TAGS
from orchestration.sql_files import beside, query_sql_file, run_sql_file
from orchestration.warehouse_connection import open_warehouse
from orchestration.warehouse_load import failure, record_outcomes
from transforms.edgar_client import FetchError, HostUnreachableError, NotFoundError
from transforms.f345.files import (
    FIRST_QUARTER,
    F345ZipError,
    candidate_paths,
    publication_deadline,
    read_quarter_zip,
    zip_name,
)
from transforms.f345.reader import F345FormatError, F345Quarter, quarter_frames
from transforms.quarters import quarter_label, quarter_start
from transforms.raw_archive import write_whole

quarterly_partitions = dg.TimeWindowPartitionsDefinition(
    start=datetime.combine(FIRST_QUARTER, datetime.min.time()),
    cron_schedule="0 0 1 1,4,7,10 *",
    fmt="%Y-%m-%d",
)


def quarter_files(client, storage: StorageResource, label: str) -> dict[str, bytes] | None:
    """The quarter's TSVs, from its zip kept under data/raw/f345/ or else fetched from EDGAR; None if the SEC has
    not published it. A zip is kept only once every TSV in it has been read whole (CRC checked); a damaged one is
    set aside beside it (`.damaged`, for inspection): a kept one is then fetched again, a fetched one raises
    FetchError('damaged_zip'), so a rerun fetches it again instead of failing on it for ever."""
    kept = kept_zip(storage, label)
    damaged = set_aside_path(kept)
    if kept.exists():
        try:
            return read_quarter_zip(kept.read_bytes())
        except F345ZipError:
            set_aside(kept)
    for path in candidate_paths(label):
        try:
            data = client.get(path)
        except NotFoundError:
            continue
        try:
            files = read_quarter_zip(data)
        except F345ZipError as error:
            write_whole(damaged, data)
            raise FetchError("damaged_zip", str(error), client.url_for(path)) from None
        write_whole(kept, data)
        return files
    return None


def kept_zip(storage: StorageResource, label: str) -> Path:
    """Where a quarter's zip is kept: data/raw/f345/2024q3_form345.zip."""
    return DataFolder(storage.root).raw / "f345" / zip_name(label)


def set_aside_path(kept: Path) -> Path:
    """Where a kept zip that turned out unusable goes, for inspection, so that the next run fetches it again."""
    return kept.with_name(kept.name + ".damaged")


def set_aside(kept: Path) -> None:
    """Move a kept zip out of the way (to `set_aside_path`), if there is one."""
    if kept.exists():
        kept.replace(set_aside_path(kept))


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
    quarters: dict[str, dict[str, object]] = {}
    labels = [quarter_label(datetime.fromisoformat(key).date()) for key in context.partition_keys]
    with open_warehouse(storage.warehouse_path) as connection:  # one connection for the run's quarters
        [(limit,)] = query_sql_file(connection, beside(__file__, "memory_limit.sql")).fetchall()
        run_sql_file(connection, "load/start_load_scope.sql")
        context.log.info(f"loading under a DuckDB memory limit of {limit}")
        for number, label in enumerate(progress(labels, desc="f345 quarters", unit="quarter", disable=len(labels) < 2)):
            try:
                quarters[label], rows = load_quarter(context, connection, storage, client, label)
                if rows is not None and not rows.left_out.is_empty():
                    quarters[label] |= fetch_left_out(connection, storage, client, label, rows)
                if rows is not None and config.verify > 0:
                    quarters[label] |= verify_loaded(connection, storage, client, label, rows, config.verify)
            except HostUnreachableError as error:
                # Every quarter left would fail the same way: recorded, and the run's outcome says so.
                unloaded = [left for left in labels[number:] if left not in quarters]
                record_unloaded(connection, unloaded, error)
                quarters |= {left: {"failed": error.reason} for left in unloaded}
                break
            except (FetchError, F345FormatError) as error:
                if isinstance(error, F345FormatError):  # a whole zip whose files do not read: fetched again next run
                    set_aside(kept_zip(storage, label))
                record_unloaded(connection, [label], error)
                context.log.error(f"{label}: not loaded: {error}")
                quarters[label] = {"failed": getattr(error, "reason", "unreadable_data_set")}
    return dg.MaterializeResult(
        metadata={
            "quarters": dg.MetadataValue.json(quarters),
            "filings loaded": sum(int(quarter.get("filings loaded", 0)) for quarter in quarters.values()),
            "quarters not published": [
                label for label, quarter in quarters.items() if quarter.get("published") is False
            ],
            "quarters that failed": [label for label, quarter in quarters.items() if "failed" in quarter],
            "DuckDB memory limit": limit,
        }
    )


def load_quarter(
    context: dg.AssetExecutionContext,
    connection: duckdb.DuckDBPyConnection,
    storage: StorageResource,
    client,
    label: str,
) -> tuple[dict[str, object], F345Quarter | None]:
    """One quarter fetched (or read from data/raw) and loaded in one transaction, which also resolves its earlier
    failure; what it did, for the asset's metadata, and its rows (None if the SEC has not published it)."""
    files = quarter_files(client, storage, label)
    if files is None:
        deadline = publication_deadline(label)
        urls = " and ".join(client.url_for(path) for path in candidate_paths(label))
        if new_york_today() > deadline:
            raise FetchError(
                "missing_data_set",
                f"both known paths answer 404 ({urls}), though the SEC publishes a quarter's data set by {deadline}",
                client.url_for(candidate_paths(label)[0]),
            )
        context.log.warning(
            f"{label}: not published yet (HTTP 404 at {urls}); the SEC publishes a quarter's data set in the weeks "
            f"after it ends, by {deadline}: rerun then (insider-warehouse f345 --start {label} --end {label})"
        )
        return {"published": False}, None
    rows = quarter_frames(files)
    if rows.orphan_rows:
        context.log.warning(
            f"{label}: rows left out because SUBMISSION.tsv does not list their accession: {rows.orphan_rows}"
        )
    if rows.malformed_lines:
        context.log.warning(
            f"{label}: {len(rows.malformed_lines)} malformed line(s) not read (first: "
            f"{rows.malformed_lines[0].describe()}); {rows.left_out.height} filing(s) left out whole, recorded in "
            "ingest_failures (stage f345) and fetched from EDGAR instead"
        )
    loaded = load_f345_quarter(connection, label, rows, utc_now())
    done = {
        "published": True,
        "filings loaded": loaded.loaded,
        "filings kept from their submission": loaded.kept,
        "unknown columns": [f"{name}/{column}" for name, column in rows.unknown_columns],
        "unparsed values": rows.unparsed_values,
        "rows whose accession SUBMISSION.tsv lacks (left out)": rows.orphan_rows,
        "malformed lines (not read)": len(rows.malformed_lines),
        "filings left out for a malformed line": rows.left_out.height,
    }
    return done, rows


def fetch_left_out(
    connection: duckdb.DuckDBPyConnection, storage: StorageResource, client, label: str, rows: F345Quarter
) -> dict[str, object]:
    """The filings a quarter's malformed lines left out, loaded from their own submission (`load_left_out`)."""
    loaded, failed = load_left_out(connection, client, storage.raw_archive, label, rows, utc_now())
    return {"left out, then loaded from their own submission": loaded, "left out, and could not be fetched": failed}


def verify_loaded(
    connection: duckdb.DuckDBPyConnection, storage: StorageResource, client, label: str, rows: F345Quarter, count: int
) -> dict[str, object]:
    """`count` filings of a loaded quarter fetched and reconciled (`verify_quarter`); the agreement, for metadata."""
    verified = verify_quarter(connection, client, storage.raw_archive, label, rows, count, utc_now())
    compared = verified.reconciliation
    return {
        "filings verified": verified.fetched,
        "filings that could not be verified": verified.failed,
        "agreement": (
            f"{int(compared['agreeing'].sum())} of {int(compared['compared'].sum())} values, "
            f"{int(compared['rounded_in_f345'].sum())} more rounded by the set to two decimals"
        ),
    }


def record_unloaded(
    connection: duckdb.DuckDBPyConnection, labels: list[str], error: FetchError | F345FormatError
) -> None:
    """Record quarters that could not be loaded in ingest_failures (stage 'f345'), for the run's outcome to report
    and a rerun to resolve."""
    reason = getattr(error, "reason", "unreadable_data_set")
    detail = getattr(error, "detail", str(error))
    url = getattr(error, "url", None)
    rows = [failure(quarter_subject(label), F345_STAGE, reason, detail, url, quarter_start(label)) for label in labels]
    record_outcomes(connection, rows, [], utc_now())


@dg.asset(
    partitions_def=quarterly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=["published_warehouse", "f345_quarter"],
    group_name="f345",
    kinds={"duckdb"},
    tags=OUTCOME_TAGS,
)
def f345_outcome(context: dg.AssetExecutionContext, storage: StorageResource) -> dg.MaterializeResult:
    """Fails the run, after every quarter that could be read was loaded and published, when one of its quarters
    could not be (an open failure at stage 'f345'); otherwise records the quarters as complete."""
    labels = [quarter_label(datetime.fromisoformat(key).date()) for key in context.partition_keys]
    with open_warehouse(storage.warehouse_path) as connection:
        unloaded = query_sql_file(
            connection, beside(__file__, "unloaded_quarters.sql"), subjects=[quarter_subject(label) for label in labels]
        ).fetchall()
    if unloaded:
        raise unloaded_quarters_failure(
            [(subject.removeprefix("f345/"), reason, detail) for subject, reason, detail in unloaded]
        )
    return dg.MaterializeResult(metadata={"quarters": len(labels), "first": labels[0], "last": labels[-1]})


def unloaded_quarters_failure(quarters: Sequence[tuple[str, str, str]]) -> dg.Failure:
    """One paragraph for the (quarter, reason, detail) of each Form 345 quarter a run could not load, with what to
    check for the reasons it holds."""
    listed = "; ".join(f"{label} ({reason}: {detail})" for label, reason, detail in quarters[:5])
    more = f"; and {len(quarters) - 5} more" if len(quarters) > 5 else ""
    labels = sorted(label for label, _, _ in quarters)
    reasons = {reason for _, reason, _ in quarters}
    hints = []
    if "host_unreachable" in reasons:
        hints.append("check EDGAR_BASE_URL, the network, DNS and any proxy (HTTPS_PROXY)")
    if "missing_data_set" in reasons:
        hints.append("check that EDGAR_BASE_URL is EDGAR, or a mirror holding the quarters' zips")
    if "damaged_zip" in reasons:
        hints.append("a damaged zip was set aside under data/raw/f345/ (.damaged) and is fetched again")
    advice = f" ({'; '.join(hints)})" if hints else ""
    return dg.Failure(
        description=(
            f"{len(quarters)} quarter(s) of the Form 345 data sets could not be loaded: {listed}{more}. The run's "
            "other quarters were loaded and published. They are recorded in ingest_failures (stage f345); rerun "
            f"them{advice}: insider-warehouse f345 --start {labels[0]} --end {labels[-1]}."
        ),
        allow_retries=False,
    )
