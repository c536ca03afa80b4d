"""Threads that fetch and processes that parse give exactly what one thread and one process give."""

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from bench.generate import generate
from mirror.server import serve_in_background
from orchestration.checks import CHECKED_ASSETS
from orchestration.fetch_pool import fetch_with_processes
from orchestration.parse_pool import ParsedBatch, parsed_batches
from tests.conftest import TEST_USER_AGENT, materialize_days, read_table
from transforms.edgar_client import ClientSettings, EdgarClient
from transforms.fetch_submissions import SubmissionTarget, fetch_into_archive
from transforms.index_files import parse_index_lines
from transforms.rate_limit import NoRateLimit
from transforms.raw_archive import RawArchive

FILINGS = 500


@pytest.fixture(scope="module")
def generated_mirror(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[date]]:
    root = tmp_path_factory.mktemp("generated-mirror")
    return root, generate(root, FILINGS, days=5)


def listed_targets(mirror: Path, days: list[date]) -> list[SubmissionTarget]:
    targets = []
    for day in days:
        index = next((mirror / "Archives/edgar/daily-index").rglob(f"master.{day:%Y%m%d}.idx"))
        entries, rejected = parse_index_lines(index.read_text())
        assert rejected == []
        targets += [SubmissionTarget(entry.accession_number, entry.file_name, day) for entry in entries]
    return targets


def fetch_all(base_url: str, archive: RawArchive, targets: list[SubmissionTarget], workers: int) -> list[str]:
    client = EdgarClient(ClientSettings(user_agent=TEST_USER_AGENT, base_url=base_url), NoRateLimit())
    fetched, failures = fetch_into_archive(client, archive, targets, workers=workers)
    assert failures == []
    return fetched


def test_threaded_fetching_archives_the_same_bytes(generated_mirror, tmp_path: Path):
    mirror, days = generated_mirror
    targets = listed_targets(mirror, days)
    assert len(targets) == FILINGS
    one, four = RawArchive(tmp_path / "one"), RawArchive(tmp_path / "four")
    with serve_in_background([mirror]) as server:
        fetched_by_one = fetch_all(server.base_url, one, targets, workers=1)
        fetched_by_four = fetch_all(server.base_url, four, targets, workers=4)
    assert fetched_by_one == fetched_by_four == [target.accession_number for target in targets]
    for target in targets:
        assert one.read(target.accession_number) == four.read(target.accession_number)


def test_fetching_processes_archive_the_same_bytes_and_count_every_request(generated_mirror, tmp_path: Path):
    mirror, days = generated_mirror
    targets = listed_targets(mirror, days)
    archive = RawArchive(tmp_path / "pooled")
    with serve_in_background([mirror]) as server:
        client = EdgarClient(ClientSettings(user_agent=TEST_USER_AGENT, base_url=server.base_url), NoRateLimit())
        done: list[int] = []
        fetched, failures, sent = fetch_with_processes(
            client, archive, targets, processes=2, threads=2, on_done=done.append, min_for_processes=FILINGS
        )
        assert sent == len(server.seen) == FILINGS
    assert failures == [] and fetched == [target.accession_number for target in targets]
    assert sum(done) == FILINGS and len(done) >= 2  # progress came chunk by chunk, from both processes
    for target in targets:
        assert archive.read(target.accession_number) == (mirror / "Archives" / target.file_name).read_bytes()


def concatenated(batches: list[ParsedBatch]) -> dict[str, pl.DataFrame]:
    tables = batches[0].frames.keys()
    return {table: pl.concat([batch.frames[table] for batch in batches]) for table in tables}


def test_worker_processes_parse_to_the_same_frames_in_the_same_order(generated_mirror, tmp_path: Path):
    mirror, days = generated_mirror
    targets = listed_targets(mirror, days)
    archive = RawArchive(tmp_path / "archive")
    with serve_in_background([mirror]) as server:
        fetch_all(server.base_url, archive, targets, workers=4)
    alone = list(parsed_batches(archive.root, targets, workers=1))
    pooled = list(parsed_batches(archive.root, targets, workers=2, min_for_workers=FILINGS))
    assert len(pooled) >= 2  # the work was really split
    assert [a for batch in pooled for a in batch.accessions] == [t.accession_number for t in targets]
    single, parallel = concatenated(alone), concatenated(pooled)
    for table in single:
        assert_frame_equal(single[table], parallel[table])
    assert single["filings"].height == FILINGS


def test_a_damaged_archive_copy_is_set_aside_recorded_and_fetched_again(generated_mirror, tmp_path: Path):
    mirror, days = generated_mirror
    with serve_in_background([mirror]) as server:
        assert materialize_days(tmp_path, server.base_url, days[0], days[0]).success
        first = read_table(tmp_path, "select accession_number from filings order by 1 limit 1")[0][0]
        archive = RawArchive(tmp_path / "raw" / "submissions")
        stored = archive.path_for(first)
        stored.write_bytes(stored.read_bytes()[: stored.stat().st_size // 2])  # as a power loss might leave it
        read_table(tmp_path, "select 1")  # the warehouse itself is untouched
        assert materialize_days(tmp_path, server.base_url, days[0], days[0]).success  # fetched again, reloaded
    failures = read_table(
        tmp_path, "select reason, resolved_at is not null from ingest_failures where subject = $a", a=first
    )
    assert failures == [("archive_damaged", True)]
    assert read_table(tmp_path, "select count(*) from filings where accession_number = $a", a=first) == [(1,)]
    assert archive.read(first) and (tmp_path / "raw" / "set-aside" / stored.name).exists()


def test_a_generated_week_passes_every_warehouse_check(generated_mirror, tmp_path: Path):
    """The benchmarks' filings are valid ones: each names a reporting owner once, its lines once, and so on, so
    a check that fires on a benchmark warehouse points at the pipeline, not at the generator."""
    mirror, days = generated_mirror
    with serve_in_background([mirror]) as server:
        result = materialize_days(tmp_path, server.base_url, days[0], days[-1])
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert {e.check_name for e in evaluations} == set(CHECKED_ASSETS)
    assert [(e.check_name, e.metadata["violations"].value) for e in evaluations if not e.passed] == []
    assert read_table(tmp_path, "select count(*) from filings") == [(FILINGS,)]
