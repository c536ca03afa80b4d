"""Real EDGAR filings from ../shared/edgar-sample, checked against values read by hand from the files."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from transforms.normalize import NormalizedFiling, ParseFailure, normalize_submission
from transforms.ownership_xml import parse_ownership_xml


def load(sample: Path, relative: str) -> NormalizedFiling:
    path = sample / relative
    outcome = normalize_submission(path.stem, path.read_bytes())
    assert isinstance(outcome, NormalizedFiling), outcome
    return outcome


def test_aar_form4_sale_with_weighted_average_price(shared_sample: Path):
    rows = load(shared_sample, "Archives/edgar/data/1806647/0001127602-25-001055.txt").rows
    [filing] = rows["filings"]
    assert filing["filing_date"] == date(2025, 1, 10)
    assert filing["acceptance_datetime"] == datetime(2025, 1, 10, 16, 7, 30)
    assert (filing["issuer_cik"], filing["issuer_name"], filing["issuer_trading_symbol"]) == (1750, "AAR CORP", "AIR")
    assert filing["schema_version"] == "X0508" and filing["aff10b5_one"] is False
    [owner] = rows["filing_owners"]
    assert (owner["owner_cik"], owner["owner_name"]) == (1806647, "Garascia Jessica A.")
    assert owner["is_officer"] is True and owner["is_director"] is None  # absent, not false
    assert owner["officer_title"] == "Senior VP, GC, CAO & Secretary"
    assert (owner["street1"], owner["city"], owner["zip_code"]) == ("1100 N. WOOD DALE ROAD", "WOOD DALE", "60191")
    [line] = rows["transactions"]
    assert (line["transaction_code"], line["transaction_shares"]) == ("S", Decimal("1500"))
    assert line["transaction_price_per_share"] == Decimal("66.903")
    assert line["transaction_price_per_share_footnote_ids"] == ["F1"]
    assert line["shares_owned_following_transaction"] == Decimal("37565")
    assert line["transaction_timeliness"] is None
    assert rows["footnotes"][0]["footnote_text"].startswith("The price reported in Column 4 is a weighted average")
    assert rows["signatures"] == [
        {
            "accession_number": "0001127602-25-001055",
            "line_number": 1,
            "signature_name": "/s/ Katherine Kwiat, power of attorney",
            "signature_date": date(2025, 1, 10),
        }
    ]
    issuer = next(party for party in rows["filing_parties"] if party["role"] == "issuer")
    assert issuer["former_names"] == [{"former_name": "ALLEN AIRCRAFT RADIO INC", "date_of_change": date(1970, 2, 4)}]
    assert (issuer["business_phone"], issuer["fiscal_year_end"]) == ("6302272000", "0531")


def test_arrow_dissemination_form_with_cr_line_ends(shared_sample: Path):
    rows = load(shared_sample, "Archives/edgar/data/1870985/0001127602-25-004598.txt").rows
    [filing] = rows["filings"]
    assert (filing["form_type"], filing["filing_date"]) == ("4", date(2025, 2, 13))
    assert (filing["issuer_cik"], filing["issuer_trading_symbol"]) == (7536, "ARW")
    [owner] = rows["filing_owners"]
    assert (owner["street1"], owner["street2"]) == ("C/O ARROW ELECTRONICS, INC.", "9151 EAST PANORAMA CIRCLE")
    grant, withheld = rows["transactions"]
    assert (grant["transaction_code"], grant["transaction_shares"], grant["shares_owned_following_transaction"]) == (
        "A",
        Decimal("2193"),
        Decimal("21878"),
    )
    assert (withheld["transaction_code"], withheld["transaction_shares"]) == ("F", Decimal("1009"))
    assert withheld["transaction_price_per_share"] == Decimal("106.82")
    assert (grant["security_title_footnote_ids"], withheld["security_title_footnote_ids"]) == (["F1"], ["F2"])
    assert '("PSU")' in rows["footnotes"][0]["footnote_text"]
    reporting = next(party for party in rows["filing_parties"] if party["role"] == "reporting_owner")
    assert (reporting["cik"], reporting["mail_street1"], reporting["sec_file_number"]) == (
        1870985,
        "9151 E PANORAMA CIR",
        "001-04482",
    )


def test_2seventy_bio_true_false_booleans_and_trailing_zero_decimals(shared_sample: Path):
    rows = load(shared_sample, "Archives/edgar/data/2009134/0001562180-25-000280.txt").rows
    [filing] = rows["filings"]
    assert filing["not_subject_to_section16"] is False and filing["aff10b5_one"] is False
    [owner] = rows["filing_owners"]
    assert (owner["is_director"], owner["is_officer"], owner["officer_title"]) == (False, True, "See Remarks")
    assert owner["zip_code"] == "02142"  # leading zero kept: a ZIP is text
    stock, option = (row for row in rows["transactions"] if row["line_number"] == 1)
    assert stock["transaction_shares"] == Decimal("106150") and stock["transaction_price_per_share"] == 0
    assert stock["shares_owned_following_transaction"] == Decimal("253329")
    assert option["table_kind"] == "derivative" and option["security_title"] == "Stock Option (Right to buy)"
    assert (option["conversion_or_exercise_price"], option["transaction_shares"]) == (Decimal("2.64"), Decimal("70750"))


def test_year_2000_text_form4_is_recorded_without_xml(shared_sample: Path):
    path = shared_sample / "Archives/edgar/data/911787/0001094891-00-000193.txt"
    outcome = normalize_submission(path.stem, path.read_bytes())
    assert isinstance(outcome, ParseFailure) and outcome.reason == "no_ownership_xml"


def test_374water_exercise_date_given_only_by_footnote(shared_sample: Path):
    record = parse_ownership_xml((shared_sample / "documents/374WaterForm4.xml").read_bytes())
    [option] = [row for row in record.transactions if row["table_kind"] == "derivative"]
    assert option["conversion_or_exercise_price"] == Decimal("0.33")
    assert option["exercise_date"] is None and option["exercise_date_footnote_ids"] == ["F1"]
    assert "exercise_date" in option["values_given_by_footnote"]
    assert record.document["issuer_trading_symbol"] == "SCWO"


@pytest.mark.parametrize(
    ("document", "owners", "no_securities"),
    [
        ("form3.nosecurities.xml", ["Hegde Vinayak"], True),
        ("form3.snow.nonderiv.xml", ["BERKSHIRE HATHAWAY INC", "BUFFETT WARREN E"], False),
    ],
)
def test_form3_owners_and_no_securities_flag(shared_sample: Path, document: str, owners: list[str], no_securities):
    record = parse_ownership_xml((shared_sample / "documents" / document).read_bytes())
    assert [owner["owner_name"] for owner in record.owners] == owners
    assert record.document["no_securities_owned"] is no_securities
    assert not record.unknown_elements


def test_every_sample_document_parses_with_nothing_unknown(shared_sample: Path):
    for path in sorted((shared_sample / "documents").glob("*.xml")):
        record = parse_ownership_xml(path.read_bytes())
        assert not record.unknown_elements, path.name
        assert record.document["unparsed_values"] == [], path.name
