"""Load one quarter of the SEC's Form 345 data sets into the filing tables, the filing itself staying the authority.

A quarter's filings are loaded like parsed submissions (`warehouse_load.load_filings`: every row of an accession
replaced in one transaction, idempotent, pending for the model refresh), with filing_sources saying 'f345' and the
quarter. An accession already loaded from its own submission is left as it is; a submission loaded later replaces
the data set's rows of its accession.
"""

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import polars as pl

from orchestration.fetch_and_parse import fetch_and_parse
from orchestration.sql_files import beside, query_sql_file, run_sql_file
from orchestration.warehouse_connection import registered, transaction
from orchestration.warehouse_load import failure, load_filings
from transforms.edgar_urls import index_file_name
from transforms.f345.reader import F345Quarter
from transforms.f345.reconcile import TABLE_KEYS, reconcile, verification_sample
from transforms.fetch_submissions import SubmissionTarget
from transforms.quarters import quarter_start
from transforms.raw_archive import RawArchive
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
        return {
            row[0] for row in query_sql_file(connection, beside(__file__, "accessions_from_filings.sql")).fetchall()
        }


def verify_quarter(
    connection: duckdb.DuckDBPyConnection,
    client,
    archive: RawArchive,
    quarter: str,
    rows: F345Quarter,
    count: int,
    now: datetime,
) -> Verification:
    """Fetch `count` of the quarter's filings from EDGAR (a fixed sample, `verification_sample`, of those not
    already loaded from their own submission), load them from it (their rows replace the set's) and reconcile the
    quarter again, now with them in it."""
    sample = verification_sample(rows.frames["filings"], count, accessions_from_filings(connection, rows))
    fetched, failed = load_submissions(connection, client, archive, sample, quarter_start(quarter), now)
    both_ways = accessions_from_filings(connection, rows)
    return Verification(fetched, failed, reconcile_quarter(connection, quarter, rows, both_ways, now))


def load_left_out(
    connection: duckdb.DuckDBPyConnection, client, archive: RawArchive, quarter: str, rows: F345Quarter, now: datetime
) -> tuple[int, int]:
    """The filings the set's malformed lines left out, fetched from EDGAR and loaded from their own submission
    (which resolves their failure); (loaded, failed). One whose issuer the set does not say cannot be fetched."""
    targets = rows.left_out.drop_nulls("issuer_cik").select("accession_number", "issuer_cik").rows()
    return load_submissions(connection, client, archive, targets, quarter_start(quarter), now)


def load_submissions(
    connection: duckdb.DuckDBPyConnection,
    client,
    archive: RawArchive,
    targets: list[tuple[str, int]],
    day: date,
    now: datetime,
) -> tuple[int, int]:
    """Load `targets` (accession, issuer CIK) from their own submission, fetched from EDGAR unless the raw archive
    has it (kept there like the nightly's, so a rerun fetches none again), through the one fetch → archive → parse
    path (orchestration/fetch_and_parse.py); (loaded, failed). A filing that cannot be fetched or parsed keeps what
    the warehouse had of it and is recorded with its reason; one that loads resolves its failures (fetch, parse,
    and f345: a filing left out of its data set). EDGAR unreachable stops the quarter's work after the load."""
    submissions = [SubmissionTarget(accession, index_file_name(accession, cik), day) for accession, cik in targets]
    batch = fetch_and_parse(client, archive, submissions, refetch_damaged={accession for accession, _ in targets})
    resolved = batch.resolved + [(accession, F345_STAGE) for accession in batch.accessions]
    load_filings(connection, batch.accessions, batch.frames, batch.failures, resolved, now)
    if client.unreachable is not None:
        raise client.unreachable
    return len(batch.accessions), len(targets) - len(batch.accessions)


# ingest_failures' stage for what of a quarter's data set could not be had: the quarter itself (subject
# `quarter_subject`: not fetched, damaged, unreadable) or a filing its malformed lines left out (the accession).
F345_STAGE = "f345"


def quarter_subject(quarter: str) -> str:
    """How ingest_failures names a quarter's data set: 'f345/2024q3'."""
    return f"f345/{quarter}"


def malformed_line_failures(quarter: str, rows: F345Quarter) -> list[dict[str, object]]:
    """One failure per filing the quarter's malformed lines left out (its first such line as the detail), and one
    per malformed line no filing could be named for."""
    day = quarter_start(quarter)
    failures = [
        failure(accession, F345_STAGE, "malformed_line", detail, None, day)
        for accession, detail in rows.left_out.select("accession_number", "reason").rows()
    ]
    for line in rows.malformed_lines:
        if line.accession_number is None:
            subject = f"{quarter_subject(quarter)}/{line.file}.tsv:{line.line_number}"
            failures.append(failure(subject, F345_STAGE, "malformed_line", line.describe(), None, day))
    return failures


def load_f345_quarter(
    connection: duckdb.DuckDBPyConnection, quarter: str, rows: F345Quarter, now: datetime
) -> QuarterLoad:
    """Load `rows` (one quarter, e.g. '2024q3') in one transaction, except the accessions a submission loaded. The
    same transaction records the filings the set's malformed lines left out, and resolves the quarter's earlier
    failures at stage f345: the quarter's own and those of the accessions it now loads."""
    from_filings = accessions_from_filings(connection, rows)
    listed = set(rows.frames["filings"]["accession_number"].to_list())
    accessions = sorted(listed - from_filings)
    kept = pl.DataFrame({"accession_number": sorted(from_filings)}, schema={"accession_number": pl.String})
    frames = {
        table: _without(rows.frames[table], kept) if table in rows.frames else pl.DataFrame(schema=schema)
        for table, schema in FILING_TABLES.items()
    }
    open_failures = {
        row[0] for row in query_sql_file(connection, beside(__file__, "open_f345_failures.sql")).fetchall()
    }
    subjects = [quarter_subject(quarter), *accessions]
    resolved = [(subject, F345_STAGE) for subject in subjects if subject in open_failures]
    failures = malformed_line_failures(quarter, rows)
    load_filings(connection, accessions, frames, failures, resolved, now, source="f345", f345_quarter=quarter)
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
            table: query_sql_file(connection, beside(__file__, "filing_table_rows.sql"), table=table).pl()
            for table in TABLE_KEYS
        }
    result = reconcile(f345, filed, rows.carried, rows.table_kinds)
    with registered(connection, {"batch_reconciliation": result}), transaction(connection):
        run_sql_file(connection, beside(__file__, "record_reconciliation.sql"), quarter=quarter, now=now)
    return result
