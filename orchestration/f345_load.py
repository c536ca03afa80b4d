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

from orchestration.sql_files import query_sql_file
from orchestration.warehouse import load_filings, registered
from transforms.f345 import F345Quarter
from transforms.tables import FILING_TABLES


@dataclass(frozen=True)
class QuarterLoad:
    quarter: str
    loaded: int  # filings whose rows now come from the data set
    kept: int  # filings of the set already loaded from their own submission, left alone


def load_f345_quarter(
    connection: duckdb.DuckDBPyConnection, quarter: str, rows: F345Quarter, now: datetime
) -> QuarterLoad:
    """Load `rows` (one quarter, e.g. '2024q3') in one transaction, except the accessions a submission loaded."""
    listed = rows.frames["filings"].select("accession_number").unique()
    with registered(connection, {"batch_f345_accessions": listed}):
        from_filings = {row[0] for row in query_sql_file(connection, "queries/accessions_from_filings.sql").fetchall()}
    accessions = sorted(set(listed["accession_number"].to_list()) - from_filings)
    keep = pl.DataFrame({"accession_number": accessions}, schema={"accession_number": pl.String})
    frames = {
        table: rows.frames[table].join(keep, on="accession_number", how="semi")
        if table in rows.frames
        else pl.DataFrame(schema=schema)
        for table, schema in FILING_TABLES.items()
    }
    load_filings(connection, accessions, frames, [], [], now, source="f345", f345_quarter=quarter)
    return QuarterLoad(quarter, len(accessions), len(from_filings))
