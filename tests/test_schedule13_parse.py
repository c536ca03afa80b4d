"""What the Schedule 13D/G parser does with what real filers and hostile senders do: each case starts from a real
document (fixtures/edgar-real/schedule13) changed in one place."""

from decimal import Decimal

import pytest

from tests.test_schedule13_real import REAL
from transforms.schedule13 import MAX_DOCUMENT_BYTES, Schedule13Error, parse_schedule13

QXO_13D = REAL / "other" / "sc13d-qxo_0001140361-25-017533.xml"
PENTWATER_13GA = REAL / "other" / "sc13ga-pentwater-avis-x0202.xml"


def changed(path, old: bytes, new: bytes) -> bytes:
    raw = path.read_bytes()
    assert old in raw, old
    return raw.replace(old, new, 1)


def test_a_cik_with_spaces_is_read_and_flagged():
    document = parse_schedule13(changed(QXO_13D, b"<issuerCIK>0001236275", b"<issuerCIK> 1236275 "))
    assert document.issuer_cik == "0001236275"
    assert "cik_whitespace:issuer_cik" in document.flags


def test_an_amount_that_is_not_a_number_is_left_out_and_flagged_not_guessed():
    document = parse_schedule13(
        changed(QXO_13D, b"<aggregateAmountOwned>164310<", b"<aggregateAmountOwned>see item 5<")
    )
    assert document.persons[0].aggregate_amount is None
    assert document.persons[1].aggregate_amount == Decimal("16247069")
    assert "not_a_number:aggregate_amount" in document.flags


def test_a_date_that_is_not_mm_dd_yyyy_is_left_out_and_flagged():
    document = parse_schedule13(changed(QXO_13D, b"<dateOfEvent>04/29/2025<", b"<dateOfEvent>2025-04-29<"))
    assert document.event_date is None and "not_a_date:event_date" in document.flags


def test_the_common_namespace_under_another_prefix_or_none_changes_nothing():
    """The filer's prefix for the common namespace is its own choice: com:, common: or a default per element."""
    original = parse_schedule13(QXO_13D.read_bytes())
    renamed = QXO_13D.read_bytes().replace(b"xmlns:com=", b"xmlns:common=").replace(b"<com:", b"<common:")
    renamed = renamed.replace(b"</com:", b"</common:")
    assert parse_schedule13(renamed) == original


def test_a_schedule_element_under_a_prefix_is_matched_by_its_namespace():
    raw = PENTWATER_13GA.read_bytes()
    prefixed = raw.replace(
        b'xmlns="http://www.sec.gov/edgar/schedule13g"',
        b'xmlns="http://www.sec.gov/edgar/schedule13g" xmlns:g="http://www.sec.gov/edgar/schedule13g"',
    ).replace(b"<classPercent>22.2</classPercent>", b"<g:classPercent>22.2</g:classPercent>")
    assert parse_schedule13(prefixed).persons[0].percent_of_class == Decimal("22.2")
    # The same local name in another namespace is not the schedule's.
    foreign = raw.replace(b"<classPercent>22.2</classPercent>", b'<classPercent xmlns="urn:other">22.2</classPercent>')
    assert parse_schedule13(foreign).persons[0].percent_of_class is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><edgarSubmission/>', "xml_dtd_forbidden"),
        (b"<edgarSubmission xmlns='http://www.sec.gov/edgar/schedule13g'><formData>", "xml_malformed"),
        (b"", "xml_malformed"),
        (b"<ownershipDocument/>", "not_schedule13"),
        (b"<edgarSubmission xmlns='http://www.sec.gov/edgar/form144'/>", "not_schedule13"),
        (b" " * (MAX_DOCUMENT_BYTES + 1), "xml_too_large"),
    ],
    ids=["entities", "truncated", "empty", "form4-root", "other-namespace", "huge"],
)
def test_hostile_or_broken_input_is_refused_with_a_reason(raw: bytes, reason: str):
    with pytest.raises(Schedule13Error) as refused:
        parse_schedule13(raw)
    assert refused.value.reason == reason


def test_a_download_cut_short_is_refused_not_half_read():
    raw = PENTWATER_13GA.read_bytes()
    with pytest.raises(Schedule13Error, match="xml_malformed"):
        parse_schedule13(raw[: len(raw) // 2])
