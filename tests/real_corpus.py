"""Real filings (fixtures/edgar-real, fixtures/edgar-sample or their ../shared originals) into a real warehouse.

The bare ownershipDocuments of edgar-real have no SGML header: each is wrapped (mirror/envelope.py) with its
MANIFEST accession and form, accepted at 17:00 on its period of report (the MANIFEST knows no acceptance time), so
filings of one owner group keep their order. Submissions (.txt) are loaded as filed.
"""

import csv
from datetime import date, datetime
from pathlib import Path

import duckdb

from mirror.envelope import submission
from orchestration.model_assets import calendar_frame
from orchestration.warehouse_connection import connect, ensure_schema
from orchestration.warehouse_load import load_filings
from orchestration.warehouse_refresh import refresh_model
from transforms.normalize import NormalizedFiling, normalize_submission, to_frames


def manifest_rows(root: Path) -> list[dict[str, str]]:
    with (root / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        return list(csv.DictReader(manifest, delimiter="\t"))


def real_submissions(root: Path) -> list[tuple[str, bytes]]:
    """(accession, submission bytes) of every filing a corpus's MANIFEST names (edgar-real or edgar-sample)."""
    found = []
    for row in manifest_rows(root):
        if "kind" in row:  # edgar-real
            if row["kind"] not in ("xml", "submission"):
                continue
            raw = (root / row["file"]).read_bytes()
            if row["kind"] == "xml":
                accepted = datetime.fromisoformat(f"{row['period_of_report']} 17:00")
                raw = submission(raw, row["accession"], row["form_type"], accepted)
            found.append((row["accession"], raw))
        elif row["path"].startswith("Archives/edgar/data/"):  # edgar-sample
            path = root / row["path"]
            found.append((path.stem, path.read_bytes()))
    return found


def build_real_warehouse(database: Path, *roots: Path) -> duckdb.DuckDBPyConnection:
    """A warehouse file holding every parsed filing of `roots`, its model refreshed; open, for the caller to query."""
    parsed = []
    for root in roots:
        for accession, raw in real_submissions(root):
            result = normalize_submission(accession, raw)
            if isinstance(result, NormalizedFiling):
                parsed.append(result)
    connection = connect(database)
    ensure_schema(connection)
    accessions = [filing.accession_number for filing in parsed]
    load_filings(connection, accessions, to_frames(parsed), [], [], datetime(2026, 1, 1))
    refresh_model(connection, accessions, calendar_frame(date(2026, 1, 1)))
    return connection
