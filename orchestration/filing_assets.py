"""Parse and load: archived submissions → typed frames → the filing tables, one transaction per batch."""

from collections import Counter
from collections.abc import Callable

import dagster as dg
from tqdm import tqdm

from orchestration.partitions import daily_partitions
from orchestration.resources import StorageResource
from orchestration.run_window import utc_now, window_days
from orchestration.submission_assets import filings_for_run
from orchestration.warehouse import failure, load_filings, open_warehouse
from transforms.fetch_submissions import SubmissionTarget
from transforms.normalize import NormalizedFiling, ParseFailure, normalize_submission, to_frames_or_failures
from transforms.raw_archive import RawArchive
from transforms.tables import FILING_TABLES

# Parse failures a damaged download can cause: the stored copy is set aside so the next run fetches it again
# (a filing that is damaged on EDGAR itself fails the same way each time and is quarantined after MAX_ATTEMPTS).
REFETCH_REASONS = frozenset(
    {"xml_malformed", "truncated_xml", "truncated_submission", "empty_submission", "no_sgml_header"}
)

# Filings per DuckDB transaction: large enough to amortise the commit, small enough to bound memory.
LOAD_BATCH_SIZE = 2000

FILING_TABLE_DESCRIPTIONS = {
    "filings": "One row per ingested Form 3/4/5 or amendment.",
    "filing_owners": "One row per reporting owner of a filing.",
    "transactions": "One row per Table I or Table II transaction line.",
    "holdings": "One row per Table I or Table II holding line.",
    "footnotes": "One row per footnote.",
    "signatures": "One row per owner signature.",
    "filing_parties": "One row per filer role in the SGML header, with addresses and former names.",
    "unknown_elements": "One row per ownershipDocument element the parser does not know, kept verbatim.",
}


def parse_batch(
    archive: RawArchive, batch: list[SubmissionTarget], on_done: Callable[[], object]
) -> tuple[list[NormalizedFiling], list[dict[str, object]]]:
    """Normalize each archived submission; a failure becomes an ingest_failures row of stage `parse`."""
    parsed: list[NormalizedFiling] = []
    failures: list[dict[str, object]] = []
    for target in batch:
        outcome = normalize_submission(target.accession_number, archive.read(target.accession_number))
        if isinstance(outcome, ParseFailure):
            if outcome.reason in REFETCH_REASONS:
                archive.set_aside(target.accession_number)
            failures.append(
                failure(target.accession_number, "parse", outcome.reason, outcome.detail, None, target.date_filed)
            )
        else:
            parsed.append(outcome)
        on_done()
    return parsed, failures


@dg.multi_asset(
    specs=[
        dg.AssetSpec(table, description=description, deps=["raw_submissions"], kinds={"duckdb"})
        for table, description in FILING_TABLE_DESCRIPTIONS.items()
    ],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="warehouse",
)
def filing_tables(context: dg.AssetExecutionContext, storage: StorageResource):
    """Parse every archived submission of the run and replace its rows in all filing tables.

    Each batch is one transaction that deletes the batch's accessions and inserts their new rows, so a
    rerun replaces and a crash leaves the previous state. A filing that does not parse is an ingest
    failure of stage `parse` and keeps no rows.
    """
    days = window_days(context)
    with open_warehouse(storage.warehouse_path) as connection:
        targets, _ = filings_for_run(connection, days)
    archive = storage.raw_archive
    archived = [target for target in targets if archive.has(target.accession_number)]
    loaded_rows: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    with tqdm(total=len(archived), desc="parse and load", unit="filing") as progress:
        for start in range(0, len(archived), LOAD_BATCH_SIZE):
            batch = archived[start : start + LOAD_BATCH_SIZE]
            parsed, failures = parse_batch(archive, batch, progress.update)
            frames, refused = to_frames_or_failures(parsed)
            refused_accessions = {refusal.accession_number for refusal in refused}
            parsed = [filing for filing in parsed if filing.accession_number not in refused_accessions]
            filed_on = {target.accession_number: target.date_filed for target in batch}
            failures += [
                failure(r.accession_number, "parse", r.reason, r.detail, None, filed_on[r.accession_number])
                for r in refused
            ]
            resolved = [(filing.accession_number, "parse") for filing in parsed]
            with open_warehouse(storage.warehouse_path) as connection:
                load_filings(connection, [t.accession_number for t in batch], frames, failures, resolved, utc_now())
            loaded_rows.update({table: frame.height for table, frame in frames.items()})
            reasons.update(str(row["reason"]) for row in failures)
    if reasons:
        context.log.warning(f"{sum(reasons.values())} submissions did not parse: {dict(reasons)}")
    for table in FILING_TABLES:
        metadata: dict[str, object] = {"dagster/row_count": loaded_rows[table]}
        if table == "filings":
            metadata |= {
                "parse_failures": sum(reasons.values()),
                **{f"failures_{r}": n for r, n in sorted(reasons.items())},
            }
        yield dg.MaterializeResult(asset_key=table, metadata=metadata)
