"""The one way a source gets filings from EDGAR into typed frames: fetch → archive → parse.

Every source goes through it (the nightly's filings, a data set's left-out filings, its verification sample, a
loaded filing whose archived copy went bad): fetched through the shared client (User-Agent, rate limit, back-off),
archived only when the bytes end like a whole submission (transforms/fetch_submissions.py), parsed from the archive
(orchestration/parse_pool.py, which sets a damaged copy aside). A copy that was in the archive before and turns out
damaged is fetched again once; a failure at any stage is a typed row for ingest_failures, never an exception.
"""

from collections.abc import Collection, Sequence

import polars as pl

from orchestration.parse_pool import ParsedBatch, parse_batch
from orchestration.warehouse_load import failure
from transforms.edgar_client import EdgarClient
from transforms.fetch_submissions import SubmissionTarget, fetch_into_archive
from transforms.raw_archive import RawArchive


def fetch_and_parse(
    client: EdgarClient,
    archive: RawArchive,
    targets: Sequence[SubmissionTarget],
    refetch_damaged: Collection[str] = frozenset(),
) -> ParsedBatch:
    """`targets` fetched where the archive lacks them and parsed, as one batch to load: its failures carry the
    stage that failed (fetch or parse) and its resolved list both. Of the accessions in `refetch_damaged`, an
    archived copy that does not parse as a whole submission is fetched again once and parsed again."""
    fetched, fetch_failures = fetch_into_archive(
        client, archive, [t for t in targets if not archive.has(t.accession_number)]
    )
    filed_on = {target.accession_number: target.date_filed for target in targets}
    failures = [
        failure(f.accession_number, "fetch", f.reason, f.detail, f.url, filed_on[f.accession_number])
        for f in fetch_failures
    ]
    archived = [target for target in targets if archive.has(target.accession_number)]
    parsed = parse_batch(archive.root, archived)
    aside = set(parsed.refetchable()) & set(refetch_damaged) - set(fetched)
    batches = [parsed]
    if aside:
        again, again_failures = fetch_into_archive(client, archive, [t for t in targets if t.accession_number in aside])
        fetched += again
        failures += [
            failure(f.accession_number, "fetch", f.reason, f.detail, f.url, filed_on[f.accession_number])
            for f in again_failures
        ]
        batches.append(parse_batch(archive.root, [t for t in targets if t.accession_number in set(again)]))
    return ParsedBatch(
        [accession for batch in batches for accession in batch.accessions],
        _concatenated([batch.frames for batch in batches]),
        [row for batch in batches for row in batch.failures] + failures,
        [pair for batch in batches for pair in batch.resolved] + [(accession, "fetch") for accession in fetched],
        len(targets),
    )


def _concatenated(parts: list[dict[str, pl.DataFrame]]) -> dict[str, pl.DataFrame]:
    if len(parts) == 1:
        return parts[0]
    return {table: pl.concat([part[table] for part in parts]) for table in parts[0]}
