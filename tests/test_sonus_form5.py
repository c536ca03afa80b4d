"""The real Sonus Networks Form 5 (fiscal 2003), hand-written from its printed form: every fact in the warehouse."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from mirror.envelope import submission
from orchestration.warehouse_connection import connect, ensure_schema
from orchestration.warehouse_load import load_filings
from tests.conftest import PROJECT_ROOT
from transforms.normalize import NormalizedFiling, normalize_submission, to_frames

DOCUMENT = PROJECT_ROOT / "fixtures/documents/form5-sonus-networks-2003.xml"
ACCESSION = "0009999999-04-000001"
RENDERED = PROJECT_ROOT / "fixtures/reference/form5-sonus-networks-2003-as-rendered.txt"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    raw = submission(DOCUMENT.read_bytes(), ACCESSION, form="5", accepted=datetime(2004, 2, 12, 17, 1, 2))
    filing = normalize_submission(ACCESSION, raw)
    assert isinstance(filing, NormalizedFiling), filing
    connection = connect(tmp_path_factory.mktemp("sonus") / "warehouse.duckdb")
    ensure_schema(connection)
    load_filings(connection, [ACCESSION], to_frames([filing]), [], [], datetime(2026, 1, 1))
    yield connection
    connection.close()


def one(connection, sql: str) -> tuple:
    [row] = connection.sql(sql).fetchall()
    return row


def test_the_printed_form_states_these_facts():
    """Guard: the facts asserted below are in the reference rendering (checked on its text, not on our XML)."""
    text = RENDERED.read_text(encoding="utf-8")
    for fact in (
        "ROGERS GARY A",
        "SONUS NETWORKS INC [SONS]",
        "12/31/2003",
        "12/04/2003",
        "1,180",
        "1,230,544(2)(3)(4)",
        "Charles J. Gray as attorney-",
        "02/12/2004",
        "WESTFC",
        "01886",
    ):
        assert fact in text, fact


def test_issuer_owner_and_address(warehouse):
    assert one(
        warehouse, "select form_type, document_type, period_of_report, issuer_name, issuer_trading_symbol from filings"
    ) == ("5", "5", date(2003, 12, 31), "SONUS NETWORKS INC", "SONS")
    assert one(warehouse, "select owner_name, street1, street2, city, state, zip_code from filing_owners") == (
        "ROGERS GARY A",
        "C/O SONUS NETWORKS, INC.",
        "5 CARLISLE ROAD",
        "WESTFORD",
        "MA",
        "01886",
    )


def test_the_gift_line(warehouse):
    row = one(
        warehouse,
        """
        select security_title, transaction_date, transaction_form_type, transaction_code, transaction_shares,
            transaction_acquired_disposed_code, transaction_price_per_share, transaction_price_per_share_footnote_ids,
            values_given_by_footnote, shares_owned_following_transaction,
            shares_owned_following_transaction_footnote_ids, direct_or_indirect_ownership
        from transactions""",
    )
    assert row == (
        "Common Stock",
        date(2003, 12, 4),
        "5",
        "G",
        Decimal("1180"),
        "D",
        None,
        ["F1"],
        ["transaction_price_per_share"],
        Decimal("1230544"),
        ["F2", "F3", "F4"],
        "D",
    )


def test_the_four_footnotes_and_the_signature(warehouse):
    notes = dict(warehouse.sql("select footnote_id, footnote_text from footnotes").fetchall())
    assert sorted(notes) == ["F1", "F2", "F3", "F4"]
    assert notes["F1"] == "Mr. Gary Rogers gifted these shares and, as such, no consideration was received."
    assert notes["F2"] == "Includes 2,500 shares acquired under the SONS Employee Stock Purchase Plan in July 2003."
    assert notes["F3"].startswith("Includes shares of restricted stock that are subject to repurchase")
    assert notes["F4"].endswith("will not be reported in this filing or in future filings.")
    assert one(warehouse, "select signature_name, signature_date from signatures") == (
        "/s/ Charles J. Gray as attorney-in-fact for Mr. Gary Rogers",
        date(2004, 2, 12),
    )
