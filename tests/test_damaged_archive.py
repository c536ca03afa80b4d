"""A loaded filing whose archived copy goes bad keeps its rows: fetched again in the same run, or kept as loaded."""

import shutil
from pathlib import Path

import pytest

from mirror.server import serve_in_background
from tests.conftest import FIXTURE_MIRROR, every_table, materialize_days, read_table
from tests.test_pipeline_fixture_mirror import FIRST, LAST
from transforms.raw_archive import RawArchive

# The demo's 4/A: it replaces the original Form 4 …-000001, so losing it changes transactions and positions.
AMENDMENT = "0009999999-25-000005"
# Run records, not filings: failures' attempts and times, model build times, and load_scope (the last run's loads).
LEFT_OUT = frozenset({"ingest_failures", "model_versions", "schema_version", "load_scope"})


def damage(data_dir: Path, accession: str) -> Path:
    """Cut the archived copy short, as a power loss before the archive's sync might leave it."""
    stored = RawArchive(data_dir / "raw" / "submissions").path_for(accession)
    stored.write_bytes(stored.read_bytes()[: stored.stat().st_size // 2])
    return stored


def open_failures(data_dir: Path, accession: str) -> list[tuple]:
    query = "select stage, reason from ingest_failures where subject = $a and resolved_at is null order by 1"
    return read_table(data_dir, query, a=accession)


@pytest.fixture
def own_mirror(tmp_path: Path) -> Path:
    """A copy of the fixture mirror this test may take files out of."""
    copy = tmp_path / "mirror"
    shutil.copytree(FIXTURE_MIRROR, copy)
    return copy


def test_a_damaged_copy_of_a_loaded_filing_is_fetched_again_in_the_same_run(tmp_path: Path, own_mirror: Path):
    data_dir = tmp_path / "data"
    with serve_in_background([own_mirror]) as mirror:
        assert materialize_days(data_dir, mirror.base_url, FIRST, LAST).success
        before = every_table(data_dir, LEFT_OUT)
        assert read_table(data_dir, "select count(*) from transactions where accession_number = $a", a=AMENDMENT)[0][0]
        stored = damage(data_dir, AMENDMENT)
        mirror.seen.clear()
        assert materialize_days(data_dir, mirror.base_url, FIRST, LAST).success
        fetched = [seen.path for seen in mirror.seen if seen.path.endswith(f"{AMENDMENT}.txt")]
    assert every_table(data_dir, LEFT_OUT) == before
    assert len(fetched) == 1  # in this run, not left to the next
    assert RawArchive(data_dir / "raw" / "submissions").read(AMENDMENT)  # whole again
    assert (data_dir / "raw" / "set-aside" / stored.name).exists()  # the damaged copy, kept for inspection
    assert open_failures(data_dir, AMENDMENT) == []
    [(reason, resolved)] = read_table(
        data_dir, "select reason, resolved_at is not null from ingest_failures where subject = $a", a=AMENDMENT
    )
    assert (reason, resolved) == ("archive_damaged", True)  # recorded, and resolved by the fetch


def test_a_loaded_filing_keeps_its_rows_when_fetching_it_again_fails_and_a_later_run_restores_its_copy(
    tmp_path: Path, own_mirror: Path
):
    data_dir = tmp_path / "data"
    served = next(own_mirror.rglob(f"{AMENDMENT}.txt"))
    with serve_in_background([own_mirror]) as mirror:
        assert materialize_days(data_dir, mirror.base_url, FIRST, LAST).success
        before = every_table(data_dir, LEFT_OUT)
        damage(data_dir, AMENDMENT)
        kept_aside = served.rename(served.with_suffix(".away"))  # EDGAR answers 404 for it now
        result = materialize_days(data_dir, mirror.base_url, FIRST, LAST)
        assert result.success  # one filing is never fatal
        assert every_table(data_dir, LEFT_OUT) == before  # never fewer rows
        assert open_failures(data_dir, AMENDMENT) == [("fetch", "http_404"), ("parse", "archive_damaged")]
        metadata = next(
            event.materialization.metadata
            for event in result.get_asset_materialization_events()
            if event.asset_key.to_user_string() == "filings"
        )
        assert metadata["… kept as loaded (fetching again failed)"].value == 1

        kept_aside.rename(served)  # EDGAR serves it again; a run over another day retries it
        assert materialize_days(data_dir, mirror.base_url, LAST, LAST).success
    assert open_failures(data_dir, AMENDMENT) == []
    assert RawArchive(data_dir / "raw" / "submissions").read(AMENDMENT)
    assert every_table(data_dir, LEFT_OUT) == before
