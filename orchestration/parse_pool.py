"""Parse archived submissions into typed frames, batch by batch, in worker processes.

Parsing is CPU-bound Python, so it scales with processes, not threads (see process_pool for when and how they
start). Batches come back in order, so the caller loads them into the warehouse exactly as one process would.
"""

import math
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from orchestration.process_pool import MIN_FILINGS_FOR_PROCESSES, worker_pool
from orchestration.warehouse_load import failure
from transforms.document_kinds import normalize_kinds
from transforms.fetch_submissions import SubmissionTarget
from transforms.normalize import ParseFailure, collector_paused
from transforms.raw_archive import DamagedArchiveError, RawArchive

# Parse failures a damaged download can cause: the stored copy is set aside so the next run fetches it again
# (a filing that is damaged on EDGAR itself fails the same way each time and is quarantined after MAX_ATTEMPTS).
REFETCH_REASONS = frozenset(
    {"xml_malformed", "truncated_xml", "truncated_submission", "empty_submission", "no_sgml_header", "archive_damaged"}
)
# Filings per DuckDB transaction: large enough to amortise the commit, small enough to bound memory.
MAX_BATCH_SIZE = 2000


@dataclass(frozen=True)
class ParsedBatch:
    """One batch, ready to load: the accessions it replaces (those that parsed), its frames, its failures, what
    they resolve, and how many filings it read.

    A filing that did not parse is not among the replaced accessions: rows the warehouse already holds for it
    stay until a copy that parses replaces them (a damaged archived copy must never remove a loaded filing).
    """

    accessions: list[str]
    frames: dict[str, pl.DataFrame]
    failures: list[dict[str, object]]
    resolved: list[tuple[str, str]]
    size: int

    def refetchable(self) -> list[str]:
        """The accessions whose stored copy was set aside as damaged: worth fetching again."""
        return [str(row["subject"]) for row in self.failures if row["reason"] in REFETCH_REASONS]


def parse_batch(archive_root: Path, batch: list[SubmissionTarget]) -> ParsedBatch:
    """Normalize each archived submission; a failure becomes an ingest_failures row of stage `parse`.

    The cycle collector stays paused from the first submission to the last frame: resumed in between, it would
    walk every row of the batch once more (see `collector_paused`).
    """
    with collector_paused():
        return _parse_batch(archive_root, batch)


def _parse_batch(archive_root: Path, batch: list[SubmissionTarget]) -> ParsedBatch:
    archive = RawArchive(archive_root)
    readable: list[tuple[str, bytes]] = []
    outcomes: dict[str, str | ParseFailure] = {}
    for target in batch:
        try:
            readable.append((target.accession_number, archive.read(target.accession_number)))
        except DamagedArchiveError as error:
            outcomes[target.accession_number] = ParseFailure(target.accession_number, "archive_damaged", str(error))
    frames, in_order = normalize_kinds(readable)
    outcomes.update(zip([accession for accession, _ in readable], in_order, strict=True))
    failures: list[dict[str, object]] = []
    resolved: list[tuple[str, str]] = []
    replaced: list[str] = []
    for target in batch:
        outcome = outcomes[target.accession_number]
        if isinstance(outcome, ParseFailure):
            if outcome.reason in REFETCH_REASONS:
                archive.set_aside(target.accession_number)
            failures.append(
                failure(target.accession_number, "parse", outcome.reason, outcome.detail, None, target.date_filed)
            )
        else:
            replaced.append(target.accession_number)
            resolved.append((outcome, "parse"))
    return ParsedBatch(replaced, frames, failures, resolved, len(batch))


def batches_for(targets: list[SubmissionTarget], workers: int) -> list[list[SubmissionTarget]]:
    """Equal batches of at most MAX_BATCH_SIZE, at least one per worker, so a small night still uses every CPU."""
    if not targets:
        return []
    size = min(MAX_BATCH_SIZE, math.ceil(len(targets) / workers))
    return [targets[start : start + size] for start in range(0, len(targets), size)]


def parsed_batches(
    archive_root: Path, targets: list[SubmissionTarget], workers: int, min_for_workers: int = MIN_FILINGS_FOR_PROCESSES
) -> Iterator[ParsedBatch]:
    """Parse `targets` in order; with several workers, keep each busy while the caller loads earlier batches."""
    if workers <= 1 or len(targets) < min_for_workers:
        for batch in batches_for(targets, 1):
            yield parse_batch(archive_root, batch)
        return
    with worker_pool(workers) as pool:
        pending: deque[Future[ParsedBatch]] = deque()
        for batch in batches_for(targets, workers):  # bounded look-ahead: at most 2 batches per worker in memory
            pending.append(pool.submit(parse_batch, archive_root, batch))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
