"""Edge cases of real-world ownershipDocuments: each a realistic document, each outcome checked value by value."""

import re
from datetime import date
from decimal import Decimal

import pytest

from mirror.envelope import submission
from tests.conftest import FIXTURE_MIRROR
from transforms.normalize import (
    COMPILED_PARSER_BUILT,
    NormalizedFiling,
    normalize_batch,
    normalize_submission,
    to_frames_or_failures,
)
from transforms.ownership_xml import parse_ownership_xml

# A hand-written Form 4 of the demo mirror (director's open-market purchase, two lines).
BASE_SUBMISSION = (FIXTURE_MIRROR / "Archives/edgar/data/9990001/0009999999-25-000001.txt").read_bytes()
BASE = BASE_SUBMISSION[BASE_SUBMISSION.index(b"<ownershipDocument>") : BASE_SUBMISSION.index(b"</XML>")]


def variant(old: bytes, new: bytes, document: bytes = BASE) -> bytes:
    assert old in document, old
    return document.replace(old, new, 1)


def first_transaction(document: bytes) -> dict:
    return parse_ownership_xml(document).transactions[0]


def test_dates_with_a_zone_suffix_keep_their_calendar_date():
    document = variant(b"<value>2024-12-31</value>", b"<value>2012-07-27-04:00</value>")
    assert first_transaction(document)["transaction_date"] == date(2012, 7, 27)
    document = variant(b"<periodOfReport>2024-12-31<", b"<periodOfReport>2012-07-27Z<")
    assert parse_ownership_xml(document).document["period_of_report"] == date(2012, 7, 27)


@pytest.mark.parametrize(("text", "expected"), [(b"1", True), (b"0", False), (b"true", True), (b"false", False)])
def test_booleans_accept_digits_and_words(text: bytes, expected: bool):
    document = variant(b"<isDirector>1</isDirector>", b"<isDirector>" + text + b"</isDirector>")
    assert parse_ownership_xml(document).owners[0]["is_director"] is expected


@pytest.mark.parametrize("price", [b"12.3456", b"0.0001", b"1234567890.1234", b"7"])
def test_decimals_are_exact(price: bytes):
    document = variant(b"<value>12.3456</value>", b"<value>" + price + b"</value>")
    assert first_transaction(document)["transaction_price_per_share"] == Decimal(price.decode())


def test_a_missing_transaction_coding_block_gives_nulls_not_a_lost_row():
    start, end = BASE.index(b"<transactionCoding>"), BASE.index(b"</transactionCoding>") + len(b"</transactionCoding>")
    record = parse_ownership_xml(BASE[:start] + BASE[end:])
    assert len(record.transactions) == 2
    line = record.transactions[0]
    assert (line["transaction_code"], line["transaction_form_type"], line["equity_swap_involved"]) == (None,) * 3
    assert line["transaction_shares"] == Decimal("10000")


@pytest.mark.parametrize("block", [b"postTransactionAmounts", b"ownershipNature", b"transactionAmounts"])
def test_other_missing_blocks_give_nulls(block: bytes):
    opening, closing = b"<" + block + b">", b"</" + block + b">"
    start, end = BASE.index(opening), BASE.index(closing) + len(closing)
    record = parse_ownership_xml(BASE[:start] + BASE[end:])
    assert [row["line_number"] for row in record.transactions] == [1, 2]
    assert record.transactions[0]["transaction_code"] == "P"


def test_a_document_without_xml_declaration_loads():
    raw = submission(BASE, form="4")
    assert b"<?xml" not in raw
    outcome = normalize_submission("0009999999-24-000001", raw)
    assert isinstance(outcome, NormalizedFiling)
    assert len(outcome.rows["transactions"]) == 2


def test_cr_line_ends_load_the_same_rows():
    lf = normalize_submission("0009999999-24-000001", submission(BASE))
    cr = normalize_submission("0009999999-24-000001", submission(BASE.replace(b"\n", b"\r"), line_end=b"\r"))
    assert isinstance(lf, NormalizedFiling) and isinstance(cr, NormalizedFiling)
    strip = {"raw_sha256", "raw_bytes"}
    assert {k: v for k, v in cr.rows["filings"][0].items() if k not in strip} == {
        k: v for k, v in lf.rows["filings"][0].items() if k not in strip
    }
    assert cr.rows["transactions"] == lf.rows["transactions"]


def test_a_value_that_is_not_a_number_is_null_and_kept_raw():
    document = variant(b"<value>10000</value>", b"<value>ten thousand</value>")
    record = parse_ownership_xml(document)
    assert record.transactions[0]["transaction_shares"] is None
    assert {"field": "transaction_shares", "raw": "ten thousand"} in record.document["unparsed_values"]


def test_an_unknown_element_is_kept_verbatim_and_counted():
    document = variant(b"<remarks>", b'<futureField code="X"><inner>42</inner></futureField>\n  <remarks>')
    record = parse_ownership_xml(document)
    assert [item["path"] for item in record.unknown_elements] == ["ownershipDocument/futureField"]
    assert "<inner>42</inner>" in record.unknown_elements[0]["text"]


def test_a_repeated_single_valued_element_reads_the_first_and_keeps_the_repeat():
    document = variant(
        b"<rptOwnerCity>Springfield</rptOwnerCity>",
        b"<rptOwnerCity>Springfield</rptOwnerCity><rptOwnerCity>Shelbyville</rptOwnerCity>",
    )
    record = parse_ownership_xml(document)
    assert record.owners[0]["city"] == "Springfield"
    assert [item["path"] for item in record.unknown_elements] == [
        "ownershipDocument/reportingOwner/reportingOwnerAddress/rptOwnerCity"
    ]
    assert "Shelbyville" in record.unknown_elements[0]["text"]


def test_comments_and_processing_instructions_are_skipped():
    document = variant(
        b"<transactionCode>P</transactionCode>", b"<!-- c --><transactionCode>P<?pi x?></transactionCode>"
    )
    record = parse_ownership_xml(document)
    assert record.transactions[0]["transaction_code"] == "P"
    assert record.unknown_elements == []


def test_a_footnote_only_value_is_null_with_a_flag_never_zero():
    document = variant(b'<value>12.3456</value><footnoteId id="F1"/>', b'<footnoteId id="F1"/>')
    line = first_transaction(document)
    assert line["transaction_price_per_share"] is None
    assert line["transaction_price_per_share_footnote_ids"] == ["F1"]
    assert line["values_given_by_footnote"] == ["transaction_price_per_share"]


def test_namespaced_documents_read_like_plain_ones():
    document = variant(b"<ownershipDocument>", b'<ownershipDocument xmlns="http://www.sec.gov/edgar/ownership">')
    assert first_transaction(document)["transaction_code"] == "P"


def test_2026_foreign_issuer_and_non_us_address_fields():
    document = variant(
        b"<issuerTradingSymbol>ALPX</issuerTradingSymbol>",
        b"<issuerTradingSymbol>ALPX</issuerTradingSymbol>\n"
        b"    <issuerForeignTradingSymbol>ALP.L</issuerForeignTradingSymbol>",
    )
    document = variant(
        b"<rptOwnerZipCode>62701</rptOwnerZipCode>",
        b"<rptOwnerZipCode>62701</rptOwnerZipCode>\n      <rptOwnerNonUSAddressFlag>true</rptOwnerNonUSAddressFlag>"
        b"\n      <rptOwnerNonUSStateTerritory>Ontario</rptOwnerNonUSStateTerritory>"
        b"\n      <rptOwnerCountry>CA</rptOwnerCountry>",
        document,
    )
    record = parse_ownership_xml(document)
    assert record.document["issuer_foreign_trading_symbol"] == "ALP.L"
    owner = record.owners[0]
    assert (owner["non_us_address_flag"], owner["non_us_state_territory"], owner["country"]) == (True, "Ontario", "CA")
    assert not record.unknown_elements


def test_ten_owners_one_transaction_line_each_stays_one_line():
    owner_start = BASE.index(b"<reportingOwner>")
    owner_end = BASE.index(b"</reportingOwner>") + len(b"</reportingOwner>")
    owner = BASE[owner_start:owner_end]
    owners = b"\n".join(owner.replace(b"0009990101", f"{9990101 + n:010d}".encode()) for n in range(10))
    record = parse_ownership_xml(BASE[:owner_start] + owners + BASE[owner_end:])
    assert [row["owner_cik"] for row in record.owners] == [9990101 + n for n in range(10)]
    assert len(record.transactions) == 2


def test_a_number_too_large_for_decimal_38_6_is_null_and_kept_raw():
    document = variant(b"<value>10000</value>", b"<value>" + b"9" * 33 + b"</value>")
    record = parse_ownership_xml(document)
    assert record.transactions[0]["transaction_shares"] is None
    assert {"field": "transaction_shares", "raw": "9" * 33} in record.document["unparsed_values"]
    largest = variant(b"<value>10000</value>", b"<value>" + b"9" * 32 + b".999999</value>")
    assert parse_ownership_xml(largest).transactions[0]["transaction_shares"] == Decimal("9" * 32 + ".999999")


def test_a_filing_the_schema_refuses_fails_alone_and_the_batch_loads():
    good = normalize_submission("0009999999-24-000001", submission(BASE))
    bad = normalize_submission("0009999999-24-000002", submission(BASE, accession="0009999999-24-000002"))
    assert isinstance(good, NormalizedFiling) and isinstance(bad, NormalizedFiling)
    bad.rows["transactions"][0]["transaction_shares"] = Decimal("9" * 40)  # past what the parser lets through
    frames, failures = to_frames_or_failures([good, bad])
    assert frames["filings"]["accession_number"].to_list() == ["0009999999-24-000001"]
    assert [(f.accession_number, f.reason) for f in failures] == [("0009999999-24-000002", "invalid_value")]


@pytest.mark.parametrize("stated", [b"9" * 40 + b"0009990001", "\u00b2".encode(), b"00000000001"])
@pytest.mark.parametrize("compiled", [False, COMPILED_PARSER_BUILT])
def test_a_header_cik_that_cannot_be_one_is_null_and_the_filing_loads(stated: bytes, compiled: bool):
    # Found by test_fuzz_parser: a 50-digit header CIK passed the parser and broke the BIGINT column of the batch.
    original = (FIXTURE_MIRROR / "Archives/edgar/data/9990001/0009999999-25-000002.txt").read_bytes()
    cik_line = re.compile(rb"(CENTRAL INDEX KEY:\s*)\d+")
    assert len(cik_line.findall(original)) >= 2
    damaged = cik_line.sub(lambda match: match.group(1) + stated, original, count=1)
    frames, outcomes = normalize_batch([("0009999999-25-000002", damaged)], compiled=compiled)
    assert outcomes == ["0009999999-25-000002"]
    parties = frames["filing_parties"]
    assert parties.height == len(cik_line.findall(original))
    assert parties["cik"].null_count() == 1  # the one damaged, the others as stated
