"""Load one quarter of the SEC's Form 345 data sets into the filing tables, the filing itself staying the authority.

A quarter's filings are loaded like parsed submissions (`warehouse.load_filings`: every row of an accession
replaced in one transaction, idempotent, pending for the model refresh), with filing_sources saying 'f345' and the
quarter. An accession already loaded from its own submission is left as it is; a submission loaded later replaces
the data set's rows of its accession.
"""

from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl

from orchestration.sql_files import query_sql_file, run_sql_file
from orchestration.warehouse import failure, load_filings, registered, transaction
from transforms.accession import Accession
from transforms.edgar_client import FetchError, HostUnreachableError
from transforms.edgar_urls import submission_path
from transforms.f345 import F345Quarter
from transforms.f345_files import quarter_start
from transforms.f345_reconcile import TABLE_KEYS, reconcile, verification_sample
from transforms.normalize import NormalizedFiling, normalize_submission, to_frames
from transforms.raw_archive import DamagedArchiveError, RawArchive
from transforms.tables import FILING_TABLES


@dataclass(frozen=True)
class QuarterLoad:
    quarter: str
    loaded: int  # filings whose rows now come from the data set
    kept: int  # filings of the set already loaded from their own submission, left alone
    reconciliation: pl.DataFrame  # per table and column, how the set agrees with those filings


@dataclass(frozen=True)
class Verification:
    fetched: int  # filings of the sample now loaded from their own submission
    failed: int  # filings that could not be fetched or parsed (recorded in ingest_failures, the set's rows kept)
    reconciliation: pl.DataFrame


def accessions_from_filings(connection: duckdb.DuckDBPyConnection, rows: F345Quarter) -> set[str]:
    """The accessions of the set the warehouse holds from their own submission."""
    listed = rows.frames["filings"].select("accession_number").unique()
    with registered(connection, {"batch_f345_accessions": listed}):
        return {row[0] for row in query_sql_file(connection, "queries/accessions_from_filings.sql").fetchall()}


def verify_quarter(
    connection: duckdb.DuckDBPyConnection,
    client,
    archive: RawArchive,
    quarter: str,
    rows: F345Quarter,
    count: int,
    now: datetime,
) -> Verification:
    """Fetch `count` of the quarter's filings from EDGAR (a fixed sample, `verification_sample`; kept in the raw
    archive like the nightly's, so a rerun or a later night fetches none again), load them from their own
    submission (their rows replace the set's) and reconcile the quarter again, now with them in it. A filing that
    cannot be fetched or parsed keeps the set's rows and is recorded with its reason."""
    day = quarter_start(quarter)
    parsed, failures = [], []
    for accession, issuer_cik in verification_sample(rows.frames["filings"], count):
        try:
            raw = archive.read(accession) if archive.has(accession) else None
        except DamagedArchiveError:
            archive.set_aside(accession)
            raw = None
        if raw is None:
            try:
                raw = client.get(submission_path(Accession.parse(accession), issuer_cik))
            except HostUnreachableError:
                raise
            except FetchError as error:
                failures.append(failure(accession, "fetch", error.reason, error.detail, error.url, day))
                continue
            archive.write(accession, raw)
        result = normalize_submission(accession, raw)
        if isinstance(result, NormalizedFiling):
            parsed.append(result)
        else:
            failures.append(failure(accession, "parse", result.reason, result.detail, None, day))
    archive.sync()
    accessions = [filing.accession_number for filing in parsed]
    load_filings(connection, accessions, to_frames(parsed), failures, [], now)
    both_ways = accessions_from_filings(connection, rows)
    return Verification(len(parsed), len(failures), reconcile_quarter(connection, quarter, rows, both_ways, now))


def load_f345_quarter(
    connection: duckdb.DuckDBPyConnection,
    quarter: str,
    rows: F345Quarter,
    now: datetime,
    resolved: list[tuple[str, str]] = (),
) -> QuarterLoad:
    """Load `rows` (one quarter, e.g. '2024q3') in one transaction, except the accessions a submission loaded; the
    failures `resolved` ((subject, stage): the quarter's own, from an earlier run) are resolved in it."""
    from_filings = accessions_from_filings(connection, rows)
    listed = set(rows.frames["filings"]["accession_number"].to_list())
    accessions = sorted(listed - from_filings)
    kept = pl.DataFrame({"accession_number": sorted(from_filings)}, schema={"accession_number": pl.String})
    frames = {
        table: _without(rows.frames[table], kept) if table in rows.frames else pl.DataFrame(schema=schema)
        for table, schema in FILING_TABLES.items()
    }
    load_filings(connection, accessions, frames, [], list(resolved), now, source="f345", f345_quarter=quarter)
    return QuarterLoad(
        quarter, len(accessions), len(from_filings), reconcile_quarter(connection, quarter, rows, from_filings, now)
    )


def _without(frame: pl.DataFrame, accessions: pl.DataFrame) -> pl.DataFrame:
    """`frame` less the rows of `accessions`; as it is when there are none (a first load: a join of every row of
    the quarter for nothing was a tenth of its load)."""
    return frame.join(accessions, on="accession_number", how="anti") if accessions.height else frame


def reconcile_quarter(
    connection: duckdb.DuckDBPyConnection, quarter: str, rows: F345Quarter, both_ways: set[str], now: datetime
) -> pl.DataFrame:
    """Compare the set's rows of the accessions loaded from their own submission with the warehouse's, and keep
    the result in f345_reconciliation (replacing the quarter's previous one)."""
    reconciled = pl.DataFrame({"accession_number": sorted(both_ways)}, schema={"accession_number": pl.String})
    f345 = {table: rows.frames[table].join(reconciled, on="accession_number", how="semi") for table in TABLE_KEYS}
    with registered(connection, {"batch_reconciled": reconciled}):
        filed = {
            table: query_sql_file(connection, "queries/filing_table_rows.sql", table=table).pl() for table in TABLE_KEYS
        }
    result = reconcile(f345, filed, rows.carried, rows.table_kinds)
    with registered(connection, {"batch_reconciliation": result}), transaction(connection):
        run_sql_file(connection, "warehouse/record_reconciliation.sql", quarter=quarter, now=now)
    return result
