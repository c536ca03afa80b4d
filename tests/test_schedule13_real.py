"""Every real Schedule 13D/G document of edgar-real/schedule13 read by the parser equals what XPath reads from its raw
bytes, field by field: the expected facts come from descendant searches by local name, not through the parser's
child-by-child walk, so a fact the parser misses or misplaces fails here. The documents are the project's copies
(fixtures/edgar-real/schedule13, byte-equal to ../shared's: tests/test_fixture_copies.py)."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import PROJECT_ROOT
from transforms.schedule13 import PLACEHOLDER_CUSIP, Schedule13Error, parse_schedule13

REAL = PROJECT_ROOT / "fixtures" / "edgar-real" / "schedule13"
MALFORMED = "sc13da-zivo-malformed_0001213900-25-001739.xml"
DOCUMENTS = sorted([*REAL.glob("13g-2026-01/*/primary_doc.xml"), *REAL.glob("other/*.xml")])


def xpath(node: etree._Element, *names: str) -> list[etree._Element]:
    """The descendants of `node` whose local name is any of `names`, wherever they sit."""
    test = " or ".join(f"local-name()='{name}'" for name in names)
    return node.xpath(f".//*[{test}]")


def text(node: etree._Element, *names: str) -> str | None:
    found = xpath(node, *names)
    return found[0].text.strip() if found and found[0].text and found[0].text.strip() else None


def number(node: etree._Element, *names: str) -> Decimal | None:
    value = text(node, *names)
    return None if value is None else Decimal(value.replace(",", ""))


def flag(node: etree._Element, *names: str) -> bool | None:
    value = text(node, *names)
    return None if value is None else value.upper() in ("Y", "TRUE")


def ten_digits(value: str | None) -> str | None:
    return None if value is None else value.strip().zfill(10)


def expected_document(raw: bytes) -> dict:
    root = etree.fromstring(raw.strip())
    cover = xpath(root, "coverPageHeader")[0]
    issuer = xpath(cover, "issuerInfo")[0]
    event = text(cover, "dateOfEvent", "eventDateRequiresFilingThisStatement")
    month, day, year = event.split("/") if event else (None, None, None)
    cusips = [
        element.text.strip().upper()
        for element in xpath(issuer, "issuerCUSIP", "issuerCusip", "issuerCusipNumber")
        if element.text and element.text.strip() != PLACEHOLDER_CUSIP
    ]
    item5 = xpath(root, "item5")
    return {
        "schedule": "13D" if etree.QName(root).namespace.endswith("13D") else "13G",
        "submission_type": text(root, "submissionType"),
        "filer_cik": ten_digits(text(xpath(root, "filerCredentials")[0], "cik")),
        "previous_accession_number": text(root, "previousAccessionNumber"),
        "amendment_number": int(text(cover, "amendmentNo")) if text(cover, "amendmentNo") else None,
        "class_title": text(cover, "securitiesClassTitle"),
        "event_date": f"{year}-{int(month):02d}-{int(day):02d}" if event else None,
        "issuer_cik": ten_digits(text(issuer, "issuerCIK", "issuerCik")),
        "issuer_name": text(issuer, "issuerName"),
        "issuer_cusips": cusips,
        "rules": [element.text.strip() for element in xpath(cover, "designateRulePursuantThisScheduleFiled")],
        "purpose": text(xpath(root, "item4")[0], "transactionPurpose") if xpath(root, "items1To7") else None,
        "five_percent_or_less": flag(item5[0], "classOwnership5PercentOrLess")
        if item5 and xpath(root, "items")
        else None,
        "persons": [
            {
                "name": text(person, "reportingPersonName"),
                "cik": ten_digits(text(person, "reportingPersonCIK")),
                "member_of_group": text(person, "memberOfGroup", "memberGroup"),
                "citizenship": text(person, "citizenshipOrOrganization"),
                "sole_voting_power": number(person, "soleVotingPower"),
                "shared_voting_power": number(person, "sharedVotingPower"),
                "sole_dispositive_power": number(person, "soleDispositivePower"),
                "shared_dispositive_power": number(person, "sharedDispositivePower"),
                "aggregate_amount": number(
                    person, "aggregateAmountOwned", "reportingPersonBeneficiallyOwnedAggregateNumberOfShares"
                ),
                "excludes_certain_shares": flag(
                    person, "isAggregateExcludeShares", "aggregateAmountExcludesCertainSharesFlag"
                ),
                "percent_of_class": number(person, "percentOfClass", "classPercent"),
                "type_codes": [element.text.strip() for element in xpath(person, "typeOfReportingPerson")],
                "funds_sources": [element.text.strip() for element in xpath(person, "fundType")],
            }
            for person in xpath(root, "reportingPersonInfo", "coverPageHeaderReportingPersonDetails")
        ],
    }


def parsed_document(raw: bytes) -> dict:
    document = parse_schedule13(raw)
    return {
        "schedule": document.schedule,
        "submission_type": document.submission_type,
        "filer_cik": document.filer_cik,
        "previous_accession_number": document.previous_accession_number,
        "amendment_number": document.amendment_number,
        "class_title": document.class_title,
        "event_date": document.event_date.isoformat() if document.event_date else None,
        "issuer_cik": document.issuer_cik,
        "issuer_name": document.issuer_name,
        "issuer_cusips": list(document.issuer_cusips),
        "rules": list(document.rules),
        "purpose": document.purpose,
        "five_percent_or_less": document.five_percent_or_less,
        "persons": [
            {
                "name": person.name,
                "cik": person.cik,
                "member_of_group": person.member_of_group,
                "citizenship": person.citizenship,
                "sole_voting_power": person.sole_voting_power,
                "shared_voting_power": person.shared_voting_power,
                "sole_dispositive_power": person.sole_dispositive_power,
                "shared_dispositive_power": person.shared_dispositive_power,
                "aggregate_amount": person.aggregate_amount,
                "excludes_certain_shares": person.excludes_certain_shares,
                "percent_of_class": person.percent_of_class,
                "type_codes": list(person.type_codes),
                "funds_sources": list(person.funds_sources),
            }
            for person in document.persons
        ],
    }


def test_the_real_documents_are_all_here():
    assert len(DOCUMENTS) == 130
    assert sum(path.name == MALFORMED for path in DOCUMENTS) == 1


@pytest.mark.parametrize(
    "path", [p for p in DOCUMENTS if p.name != MALFORMED], ids=lambda p: p.parent.name + "/" + p.name
)
def test_every_fact_of_a_real_document_equals_what_xpath_reads_from_its_bytes(path: Path):
    raw = path.read_bytes()
    assert parsed_document(raw) == expected_document(raw)


def test_the_sgml_header_names_the_issuer_and_filer_the_document_names():
    """The 120 13G filings' metadata.json (the SGML header's facts): its subject company is the document's issuer
    and its filer the document's filer, for every one of them."""
    agreeing = 0
    for metadata_path in sorted(REAL.glob("13g-2026-01/*/metadata.json")):
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        document = parse_schedule13((metadata_path.parent / "primary_doc.xml").read_bytes())
        assert document.submission_type == metadata["type"]
        assert document.issuer_cik == metadata["subject-company"]["company-data"]["cik"]
        filed_by = metadata["filed-by"]
        filers = filed_by if isinstance(filed_by, list) else [filed_by]
        assert document.filer_cik in {filer["company-data"]["cik"] for filer in filers}
        agreeing += 1
    assert agreeing == 120


def test_the_malformed_real_document_is_refused_with_its_reason():
    with pytest.raises(Schedule13Error) as refused:
        parse_schedule13((REAL / "other" / MALFORMED).read_bytes())
    assert refused.value.reason == "xml_malformed" and "line 155" in refused.value.detail


def test_what_real_filers_got_wrong_is_named_not_dropped():
    """The placeholder CUSIP is left out and flagged; `???` where a character was lost is kept as filed, flagged;
    a blank line before `<?xml` is read as EDGAR reads it."""
    flagged = {
        path.name if path.parent.name == "other" else path.parent.name: parse_schedule13(path.read_bytes()).flags
        for path in DOCUMENTS
        if path.name != MALFORMED
    }
    assert sum("placeholder_cusip:issuer_cusip" in flags for flags in flagged.values()) == 2
    qxo = parse_schedule13((REAL / "other" / "sc13d-qxo_0001140361-25-017533.xml").read_bytes())
    assert "lost_characters:person_name" in qxo.flags
    assert [person.name for person in qxo.persons if "???" in (person.name or "")] == [
        "Affinity Partners???Fund I Co-Invest???GP LP"
    ]
    marex = (REAL / "other" / "sc13g-marex-jushi.xml").read_bytes()
    assert marex.startswith(b"\n<?xml") and len(parse_schedule13(marex).persons) == 2
