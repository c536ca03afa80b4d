"""Fetch a large backfill in several processes, each with its own threads, all under the one shared rate limit.

One process's threads share its interpreter lock, and an HTTP request costs the client more CPU than the loopback
server, so a big backfill from a mirror is CPU-bound on the client side. The shared limiter is a locked file, so
processes never exceed the rate together (tests/test_rate_limit.py); against SEC the limit, not the CPU, binds.
"""

from collections.abc import Callable
from concurrent.futures import as_completed
from pathlib import Path

from orchestration.process_pool import MIN_FILINGS_FOR_PROCESSES, worker_pool
from transforms.edgar_client import EdgarClient
from transforms.fetch_submissions import FetchFailure, SubmissionTarget, fetch_into_archive
from transforms.raw_archive import RawArchive

# Filings per task: small enough for a lively progress bar, large enough to amortise the hand-over.
CHUNK_SIZE = 1000


def _fetch_chunk(
    client: EdgarClient, archive_root: Path, targets: list[SubmissionTarget], threads: int
) -> tuple[list[str], list[FetchFailure], int]:
    fetched, failures = fetch_into_archive(client, RawArchive(archive_root), targets, workers=threads)
    return fetched, failures, client.requests_sent


def fetch_with_processes(
    client: EdgarClient,
    archive: RawArchive,
    targets: list[SubmissionTarget],
    processes: int,
    threads: int,
    on_done: Callable[[int], object],
    min_for_processes: int = MIN_FILINGS_FOR_PROCESSES,
) -> tuple[list[str], list[FetchFailure], int]:
    """Fetch `targets` into `archive`; returns (fetched, failures, requests sent), in the order of `targets`."""
    if processes <= 1 or len(targets) < min_for_processes:
        fetched, failures = fetch_into_archive(client, archive, targets, lambda: on_done(1), workers=threads)
        return fetched, failures, client.requests_sent
    size = min(CHUNK_SIZE, -(-len(targets) // processes))
    chunks = [targets[start : start + size] for start in range(0, len(targets), size)]
    results: dict[int, tuple[list[str], list[FetchFailure], int]] = {}
    with worker_pool(processes) as pool:
        futures = {pool.submit(_fetch_chunk, client, archive.root, chunk, threads): n for n, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            on_done(len(chunks[futures[future]]))
    ordered = [results[n] for n in range(len(chunks))]
    return (
        [accession for fetched, _, _ in ordered for accession in fetched],
        [failure for _, failures, _ in ordered for failure in failures],
        sum(sent for _, _, sent in ordered),
    )
