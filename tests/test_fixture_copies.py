"""The project's copies of shared real filings stay byte-equal to the team's originals (when ../shared is here)."""

from pathlib import Path

import pytest

from tests.conftest import FIXTURE_SAMPLE, PROJECT_ROOT, SHARED, SHARED_MISSING

COPIES = {
    FIXTURE_SAMPLE: SHARED / "edgar-sample",
    PROJECT_ROOT / "fixtures/reference": SHARED / "reference",
    PROJECT_ROOT / "fixtures/edgar-real": SHARED / "edgar-real",
}


def copied_files() -> list[tuple[Path, Path]]:
    return [
        (copy, original / copy.relative_to(folder))
        for folder, original in COPIES.items()
        for copy in sorted(path for path in folder.rglob("*") if path.is_file())
    ]


def test_every_copy_is_byte_equal_to_its_shared_original():
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    pairs = copied_files()
    assert len(pairs) >= 14
    differing = [str(copy) for copy, original in pairs if copy.read_bytes() != original.read_bytes()]
    assert differing == []


def test_the_copy_has_every_filing_of_the_shared_sample():
    """The shared sample grows: a new real filing there should be copied here, so a bare clone tests it too."""
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    shared = {
        path.relative_to(SHARED / "edgar-sample") for path in (SHARED / "edgar-sample").rglob("*") if path.is_file()
    }
    ours = {path.relative_to(FIXTURE_SAMPLE) for path in FIXTURE_SAMPLE.rglob("*") if path.is_file()}
    assert sorted(map(str, shared - ours)) == []
