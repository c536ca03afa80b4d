"""Schedule 13D/G submissions → typed rows: the 120 real 13G filings of January 2026 in their SGML envelope (built
from their metadata.json, the header's facts), a header-only filing from before the XML schedules, and what is
refused."""

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from mirror.envelope import party_block, submission
from tests.test_schedule13_real import MALFORMED, REAL
from transforms.normalize import NormalizedFiling, ParseFailure
from transforms.schedule13 import parse_schedule13
from transforms.schedule13_rows import SCHEDULE13_TABLES, schedule13_frames, schedule13_rows


def enveloped(folder: Path) -> tuple[dict, bytes]:
    """A real 13G filing as EDGAR serves it: its primary_doc.xml inside the SGML header its metadata.json states."""
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    subject = metadata["subject-company"]["company-data"]
    filed_by = metadata["filed-by"]
    filer = (filed_by[0] if isinstance(filed_by, list) else filed_by)["company-data"]
    parties = [
        *party_block("SUBJECT COMPANY", "COMPANY DATA", int(subject["cik"]), subject["conformed-name"]),
        *party_block("FILED BY", "COMPANY DATA", int(filer["cik"]), filer["conformed-name"]),
    ]
    accepted = datetime.strptime(metadata["acceptance-datetime"], "%Y%m%d%H%M%S")
    raw = submission(
        (folder / "primary_doc.xml").read_bytes(),
        metadata["accession-number"],
        metadata["type"],
        accepted,
        parties=parties,
    )
    return metadata, raw


def test_the_real_13g_filings_become_rows_their_header_and_document_agree_on():
    filings = []
    for folder in sorted(path.parent for path in REAL.glob("13g-2026-01/*/metadata.json")):
        metadata, raw = enveloped(folder)
        parsed = schedule13_rows(metadata["accession-number"], raw)
        assert isinstance(parsed, NormalizedFiling), parsed
        [filing] = parsed.rows["schedule13_filings"]
        document = parse_schedule13((folder / "primary_doc.xml").read_bytes())
        assert filing["form_type"] == metadata["type"] and filing["header_only"] is False
        assert filing["acceptance_datetime"] == datetime.strptime(metadata["acceptance-datetime"], "%Y%m%d%H%M%S")
        assert filing["subject_cik"] == int(metadata["subject-company"]["company-data"]["cik"])
        assert filing["subject_cik"] == filing["issuer_cik"]  # the header's subject is the cover's issuer
        assert filing["person_count"] == len(parsed.rows["schedule13_persons"]) == len(document.persons) >= 1
        assert [person["aggregate_amount"] for person in parsed.rows["schedule13_persons"]] == [
            person.aggregate_amount for person in document.persons
        ]
        filings.append(parsed)
    assert len(filings) == 120
    frames = schedule13_frames(filings)
    assert {table: frame.schema for table, frame in frames.items()} == SCHEDULE13_TABLES
    assert frames["schedule13_filings"]["accession_number"].n_unique() == 120
    persons = frames["schedule13_persons"]
    assert persons.select("accession_number", "person_position").is_duplicated().sum() == 0
    # Exact decimals: what the documents state, summed without a float in between.
    stated = sum(
        (p.aggregate_amount or Decimal(0))
        for folder in sorted(path.parent for path in REAL.glob("13g-2026-01/*/metadata.json"))
        for p in parse_schedule13((folder / "primary_doc.xml").read_bytes()).persons
    )
    assert persons["aggregate_amount"].sum() == stated


def test_a_filing_from_before_the_xml_schedules_keeps_its_header_facts_only():
    parties = [
        "GROUP MEMBERS:\t\tALPHA FUND LP",
        "GROUP MEMBERS:\t\tALPHA MANAGEMENT LLC",
        "",
        *party_block("SUBJECT COMPANY", "COMPANY DATA", 320193, "APPLE INC"),
        *party_block("FILED BY", "COMPANY DATA", 1234567, "ALPHA MANAGEMENT LLC"),
    ]
    raw = submission(b"<HTML><BODY>SCHEDULE 13G</BODY></HTML>", "0001234567-19-000001", "SC 13G", parties=parties)
    parsed = schedule13_rows("0001234567-19-000001", raw)
    assert isinstance(parsed, NormalizedFiling)
    [filing] = parsed.rows["schedule13_filings"]
    assert filing["header_only"] is True and parsed.rows["schedule13_persons"] == []
    assert (filing["subject_cik"], filing["filer_cik"], filing["schedule"]) == (320193, 1234567, "13G")
    assert filing["group_members"] == ["ALPHA FUND LP", "ALPHA MANAGEMENT LLC"]
    assert schedule13_frames([parsed])["schedule13_filings"].height == 1


def test_what_cannot_be_read_is_a_failure_with_its_reason_never_rows():
    malformed = (REAL / "other" / MALFORMED).read_bytes()
    failed = schedule13_rows("0001213900-25-001739", submission(malformed, "0001213900-25-001739", "SCHEDULE 13D/A"))
    assert isinstance(failed, ParseFailure) and failed.reason == "xml_malformed"
    no_xml = submission(b"<HTML>a 13G in HTML</HTML>", "0001234567-25-000002", "SCHEDULE 13G")
    assert schedule13_rows("0001234567-25-000002", no_xml).reason == "no_schedule13_xml"
    form4 = submission(b"<ownershipDocument/>", "0001234567-25-000003", "4")
    assert schedule13_rows("0001234567-25-000003", form4).reason == "not_schedule13"
    other = schedule13_rows("0001234567-25-000009", form4)
    assert other.reason == "accession_mismatch"
    cut = submission((REAL / "other" / "sc13g-marex-jushi.xml").read_bytes(), "0001234567-25-000004", "SCHEDULE 13G")
    assert isinstance(schedule13_rows("0001234567-25-000004", cut[: len(cut) // 2]), ParseFailure)
