"""Hostile and broken input: each gets a clear reason, touches nothing outside data/, and the rest still loads."""

from datetime import date
from pathlib import Path

import pytest

from mirror.envelope import submission
from mirror.server import serve_in_background
from tests.conftest import FIXTURE_MIRROR, materialize_days, read_table
from transforms.accession import InvalidAccessionError
from transforms.normalize import NormalizedFiling, ParseFailure, normalize_submission
from transforms.ownership_xml import MAX_XML_BYTES
from transforms.raw_archive import RawArchive, cached_fetch

GOOD = (FIXTURE_MIRROR / "Archives/edgar/data/9990001/0009999999-25-000001.txt").read_bytes()
GOOD_XML = GOOD[GOOD.index(b"<ownershipDocument>") : GOOD.index(b"</XML>")]

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<ownershipDocument><schemaVersion>&lol9;</schemaVersion></ownershipDocument>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE ownershipDocument [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ownershipDocument><remarks>&secret;</remarks></ownershipDocument>"""


def reason(raw: bytes, accession: str = "0009999999-24-000001") -> str:
    outcome = normalize_submission(accession, raw)
    assert isinstance(outcome, ParseFailure), outcome
    return outcome.reason


def test_entity_expansion_is_refused():
    assert reason(submission(BILLION_LAUGHS)) == "xml_dtd_forbidden"


def test_external_entities_are_refused_and_never_read():
    outcome = normalize_submission("0009999999-24-000001", submission(EXTERNAL_ENTITY))
    assert isinstance(outcome, ParseFailure) and outcome.reason == "xml_dtd_forbidden"
    assert "root:" not in outcome.detail


def test_a_document_far_larger_than_any_filing_is_quarantined():
    padding = b"<remarks>" + b"x" * (MAX_XML_BYTES + 1) + b"</remarks>"
    huge = GOOD_XML.replace(b"<remarks></remarks>", padding) if b"<remarks></remarks>" in GOOD_XML else None
    huge = huge or GOOD_XML.replace(b"</ownershipDocument>", padding + b"</ownershipDocument>")
    assert reason(submission(huge)) == "xml_too_large"


def test_deeply_nested_xml_is_a_failure_not_a_crash():
    deep = b"<ownershipDocument>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</ownershipDocument>"
    assert reason(submission(deep)) in {"xml_malformed", "xml_too_deep"}


def test_malformed_and_truncated_submissions_have_reasons():
    assert reason(submission(GOOD_XML[:-200])) == "xml_malformed"
    assert reason(GOOD[: len(GOOD) // 2]) == "truncated_submission"
    assert reason(b"") == "empty_submission"
    assert reason(b"<SEC-DOCUMENT>\n</SEC-DOCUMENT>\n") == "no_sgml_header"


def test_a_submission_whose_header_names_another_accession_is_refused():
    assert reason(GOOD, "0009999999-25-000002") == "accession_mismatch"


@pytest.mark.parametrize("given", ["0009999999-25-000001", " 0009999999-25-000001\n", "000999999925000001"])
def test_an_accession_in_either_form_parses_under_its_dashed_form(given: str):
    outcome = normalize_submission(given, GOOD)
    assert isinstance(outcome, NormalizedFiling), outcome
    assert {row["accession_number"] for rows in outcome.rows.values() for row in rows} == {"0009999999-25-000001"}


@pytest.mark.parametrize("accession", ["../../etc/passwd", "0009999999-25-00000", "12345", "0009999999-25-000001/.."])
def test_invalid_accessions_never_become_paths(tmp_path: Path, accession: str):
    assert reason(GOOD, accession) == "invalid_accession"
    archive = RawArchive(tmp_path / "raw")
    with pytest.raises(InvalidAccessionError):
        archive.path_for(accession)


def test_the_index_cache_refuses_paths_outside_its_folder(tmp_path: Path):
    fetch = cached_fetch(lambda path: b"x", tmp_path / "cache")
    for hostile in ("../outside.idx", "/etc/passwd", "Archives/../../outside.idx"):
        with pytest.raises(ValueError, match="refusing"):
            fetch(hostile)
    assert not (tmp_path / "outside.idx").exists()


def test_hostile_index_lines_are_recorded_and_the_rest_of_the_day_loads(tmp_path: Path):
    overlay = tmp_path / "overlay"
    index = overlay / "Archives/edgar/daily-index/2024/QTR4/master.20241202.idx"
    index.parent.mkdir(parents=True)
    good = "9990001|ALPHA EXAMPLE CORP|4|20241202|edgar/data/9990001/0009999999-25-000001.txt"
    traversal = "9990001|EVIL|4|20241202|edgar/data/../../../../etc/0009999999-24-000666.txt"
    no_accession = "9990001|EVIL|4|20241202|edgar/data/9990001/not-an-accession.txt"
    bad_date = "9990001|EVIL|4|2024XX02|edgar/data/9990001/0009999999-24-000777.txt"
    index.write_text(
        "\n".join(["CIK|Company Name|Form Type|Date Filed|Filename", "-" * 80, good, traversal, no_accession, bad_date])
        + "\n"
    )
    data_dir = tmp_path / "data"
    with serve_in_background([overlay, FIXTURE_MIRROR]) as mirror:
        assert materialize_days(data_dir, mirror.base_url, date(2024, 12, 2), date(2024, 12, 2)).success
    assert read_table(data_dir, "select accession_number from filings") == [("0009999999-25-000001",)]
    failures = dict(read_table(data_dir, "select reason, count(*) from ingest_failures group by reason"))
    assert failures == {"invalid_index_file_name": 1, "invalid_index_line": 2}
    assert not any(path.name.startswith("0009999999-24-000666") for path in tmp_path.rglob("*"))
    assert {p.relative_to(data_dir).parts[0] for p in data_dir.rglob("*") if p.is_file()} <= {
        "raw",
        "state",
        "warehouse.duckdb",
        "published",
    }
