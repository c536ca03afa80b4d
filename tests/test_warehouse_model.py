"""The warehouse model on a history built by hand; every expected position and total is worked out below."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from orchestration.model_assets import calendar_frame
from orchestration.sql_files import query_sql_file
from orchestration.warehouse_connection import connect, ensure_schema
from orchestration.warehouse_load import load_filings
from orchestration.warehouse_refresh import refresh_model
from tests.ownership_builder import Filing, Line
from transforms.normalize import NormalizedFiling, normalize_submission, to_frames
from transforms.tables import FILING_OWNERS, FILINGS, empty_frames

A, B, ISSUER = 2000001, 2000002, 1000001
NOW = datetime(2026, 1, 1)

FORM3 = Filing(
    "0009999999-24-000001",
    "3",
    datetime(2024, 1, 10, 10, 0),
    "2024-01-08",
    [A],
    [Line("1000"), Line("500", "I", "By trust")],
)
FORM4_BUY = Filing(
    "0009999999-24-000002",
    "4",
    datetime(2024, 2, 2, 16, 0),
    "2024-02-01",
    [A],
    [Line("1200", date="2024-02-01", code="P", shares="200")],
)
FORM4_SELLS = Filing(
    "0009999999-24-000003",
    "4",
    datetime(2024, 3, 5, 16, 0),
    "2024-03-04",
    [A],
    [
        Line("900", date="2024-03-04", code="S", shares="300", acquired="D"),
        Line("400", "I", "By trust", date="2024-03-04", code="S", shares="100", acquired="D"),
    ],
)
# Corrects line 1 of FORM4_SELLS: 250 sold, not 300, so 950 remain.
AMENDMENT_OF_SELLS = Filing(
    "0009999999-24-000004",
    "4/A",
    datetime(2024, 3, 8, 9, 30),
    "2024-03-04",
    [A],
    [
        Line("950", date="2024-03-04", code="S", shares="250", acquired="D"),
        Line("400", "I", "By trust", date="2024-03-04", code="S", shares="100", acquired="D"),
    ],
    original_filed="2024-03-05",
)
# Adds a holding FORM4_BUY left out; reports no transactions, so FORM4_BUY's purchase stays current.
HOLDINGS_ONLY_AMENDMENT = Filing(
    "0009999999-24-000005",
    "4/A",
    datetime(2024, 2, 20, 11, 0),
    "2024-02-01",
    [A],
    [Line("75", "I", "By 401(k)")],
    original_filed="2024-02-02",
)
JOINT = Filing(
    "0009999999-24-000006",
    "4",
    datetime(2024, 4, 2, 17, 0),
    "2024-04-01",
    [B, A],
    [Line("5000", "I", "By LP", date="2024-04-01", code="P", shares="1000")],
)
FORM5 = Filing(
    "0009999999-25-000007",
    "5",
    datetime(2025, 2, 10, 12, 0),
    "2024-12-31",
    [A],
    [Line("900", date="2024-06-01", code="G", shares="50", acquired="D", price=None), Line("400", "I", "By trust")],
)
UNLINKABLE = Filing(
    "0009999999-24-000008",
    "4/A",
    datetime(2024, 5, 1, 12, 0),
    "2023-12-01",
    [A],
    [Line("10", "I", "By custodian", date="2023-12-01", code="P", shares="10")],
    original_filed="2023-12-02",
)
MODEL_TABLES = ["filing_status", "positions", "beneficial_ownership", "issuers", "owners", "securities"]
HISTORY = [FORM3, FORM4_BUY, FORM4_SELLS, AMENDMENT_OF_SELLS, HOLDINGS_ONLY_AMENDMENT, JOINT, FORM5, UNLINKABLE]


def load_only(connection: duckdb.DuckDBPyConnection, filings: list[Filing]) -> list[str]:
    """Load without refreshing the model, as a run stopped after its load leaves it."""
    normalized = [normalize_submission(f.accession, f.raw()) for f in filings]
    assert all(isinstance(n, NormalizedFiling) for n in normalized), normalized
    accessions = [f.accession for f in filings]
    load_filings(connection, accessions, to_frames(normalized), [], [], NOW)
    return accessions


def load(connection: duckdb.DuckDBPyConnection, filings: list[Filing]) -> None:
    refresh_model(connection, load_only(connection, filings), calendar_frame(date(2025, 12, 31)))


@pytest.fixture
def warehouse(tmp_path: Path):
    connection = connect(tmp_path / "warehouse.duckdb")
    ensure_schema(connection)
    load(connection, HISTORY)
    yield connection
    connection.close()


def as_of(connection, day: str, issuer: int | None = None, owner: int | None = None) -> set[tuple]:
    rows = connection.sql(
        "select owner_group_key, direct_or_indirect_ownership, nature_of_ownership, shares "
        "from holdings_as_of($day::date, issuer := $issuer, owner := $owner)",
        params={"day": day, "issuer": issuer, "owner": owner},
    ).fetchall()
    return {(group, form, nature, Decimal(shares)) for group, form, nature, shares in rows}


def test_amendments_are_linked_and_supersede_only_what_they_restate(warehouse):
    status = {
        row[0]: row[1:]
        for row in warehouse.sql(
            "select accession_number, link_status, amends_accession_number, transactions_superseded_by, "
            "holdings_superseded_by from filing_status"
        ).fetchall()
    }
    assert status[AMENDMENT_OF_SELLS.accession][:2] == ("linked", FORM4_SELLS.accession)
    assert status[HOLDINGS_ONLY_AMENDMENT.accession][:2] == ("linked", FORM4_BUY.accession)
    assert status[FORM4_SELLS.accession][2] == AMENDMENT_OF_SELLS.accession
    assert status[FORM4_BUY.accession][2:] == (None, HOLDINGS_ONLY_AMENDMENT.accession)  # its purchase stays
    assert status[UNLINKABLE.accession][:2] == ("unlinked", None)
    current = warehouse.sql("select accession_number, line_number from transactions_current order by all").fetchall()
    assert current == [
        (FORM4_BUY.accession, 1),
        (AMENDMENT_OF_SELLS.accession, 1),
        (AMENDMENT_OF_SELLS.accession, 2),
        (JOINT.accession, 1),
        (UNLINKABLE.accession, 1),
        (FORM5.accession, 1),
    ]
    assert warehouse.sql("select count(*) from transactions").fetchall() == [(8,)]  # both versions kept


def test_holdings_as_of_dates_worked_out_by_hand(warehouse):
    a, joint = str(A), f"{A}-{B}"
    custodian = (a, "I", "By custodian", 10)  # from the unlinkable amendment: kept, flagged, counted
    assert as_of(warehouse, "2023-11-30", issuer=ISSUER) == set()
    assert as_of(warehouse, "2024-01-07", issuer=ISSUER) == {custodian}
    # The Form 3 of Jan 8 states every holding and does not list the custodian's: from then on it is not held.
    assert as_of(warehouse, "2024-01-08") == {(a, "D", None, 1000), (a, "I", "By trust", 500)}
    march_first = {(a, "D", None, 1200), (a, "I", "By trust", 500), (a, "I", "By 401(k)", 75)}
    assert as_of(warehouse, "2024-03-01") == march_first
    march_fourth = {(a, "D", None, 950), (a, "I", "By trust", 400), (a, "I", "By 401(k)", 75)}
    assert as_of(warehouse, "2024-03-04") == march_fourth
    july = {(a, "D", None, 900), (a, "I", "By trust", 400), (a, "I", "By 401(k)", 75), (joint, "I", "By LP", 5000)}
    assert as_of(warehouse, "2024-07-01", issuer=ISSUER) == july
    assert as_of(warehouse, "2024-07-01", owner=B) == {(joint, "I", "By LP", 5000)}
    assert as_of(warehouse, "2024-07-01", issuer=1000002) == set()


def test_each_interval_names_its_source_line(warehouse):
    rows = warehouse.sql(
        "select valid_from, valid_to, shares, source_accession_number, source_table, source_line_number "
        "from positions where owner_group_key = $group and direct_or_indirect_ownership = 'D' order by valid_from",
        params={"group": str(A)},
    ).fetchall()
    assert rows == [
        (date(2024, 1, 8), date(2024, 2, 1), 1000, FORM3.accession, "holdings", 1),
        (date(2024, 2, 1), date(2024, 3, 4), 1200, FORM4_BUY.accession, "transactions", 1),
        (date(2024, 3, 4), date(2024, 6, 1), 950, AMENDMENT_OF_SELLS.accession, "transactions", 1),
        (date(2024, 6, 1), None, 900, FORM5.accession, "transactions", 1),
    ]


def test_positions_never_overlap_and_the_joint_trade_counts_once(warehouse):
    overlaps = warehouse.sql(
        "select count(*) from positions a join positions b on a.position_key = b.position_key "
        "and a.valid_from < b.valid_from and (a.valid_to is null or a.valid_to > b.valid_from)"
    ).fetchall()
    assert overlaps == [(0,)]
    assert warehouse.sql(
        "select count(*) from transactions_current where accession_number = $joint", params={"joint": JOINT.accession}
    ).fetchall() == [(1,)]


def violations(connection, check: str) -> list[tuple]:
    return query_sql_file(connection, f"checks/{check}.sql").fetchall()


def test_the_blocking_position_checks_find_a_damaged_interval(warehouse):
    blocking = ("positions_never_overlap", "positions_trace_to_filings", "positions_not_from_superseded_lines")
    assert {check: violations(warehouse, check) for check in blocking} == {check: [] for check in blocking}
    warehouse.execute(  # no such line in the filing
        "update positions set source_line_number = 7 "
        "where source_accession_number = $source and source_line_number = 1",
        {"source": FORM4_BUY.accession},
    )
    assert {row[2] for row in violations(warehouse, "positions_trace_to_filings")} == {FORM4_BUY.accession}
    warehouse.execute("update positions set source_line_number = 1 where source_line_number = 7")
    warehouse.execute(  # an interval pointing at the original the 4/A restated
        "update positions set source_accession_number = $original where source_accession_number = $amendment",
        {"original": FORM4_SELLS.accession, "amendment": AMENDMENT_OF_SELLS.accession},
    )
    assert violations(warehouse, "positions_not_from_superseded_lines") != []
    warehouse.execute(  # the first interval of owner A's direct stock now runs past the start of the next
        "update positions set valid_to = date '2024-12-31' where owner_group_key = $group "
        "and direct_or_indirect_ownership = 'D' and valid_from = date '2024-01-08'",
        {"group": str(A)},
    )
    assert violations(warehouse, "positions_never_overlap") != []


def test_beneficial_ownership_totals_the_vehicles(warehouse):
    [(direct, indirect, total, vehicles)] = warehouse.sql(
        "select direct_shares, indirect_shares, total_shares, vehicles from beneficial_ownership "
        "where owner_group_key = $group and valid_from <= date '2024-07-01' "
        "and (valid_to is null or valid_to > date '2024-07-01')",
        params={"group": str(A)},
    ).fetchall()
    # 900 direct + 400 by trust + 75 by 401(k); the custodian's 10 ended with the Form 3 of Jan 8, which lists
    # every holding and not that one
    assert (direct, indirect, total, vehicles) == (900, 475, 1375, 3)


def test_reloading_gives_identical_tables_and_other_issuers_are_untouched(warehouse):
    before = {t: warehouse.table(t).order("all").fetchall() for t in MODEL_TABLES}
    load(warehouse, [FORM4_SELLS])
    assert {t: warehouse.table(t).order("all").fetchall() for t in MODEL_TABLES} == before
    rowids = warehouse.sql("select rowid, position_key, valid_from from positions order by all").fetchall()
    other = Filing(
        "0009999999-24-000099",
        "4",
        datetime(2024, 5, 5, 9, 0),
        "2024-05-04",
        [B],
        [Line("10", date="2024-05-04", code="P", shares="10")],
        issuer=1000002,
    )
    load(warehouse, [other])
    after = warehouse.sql(
        "select rowid, position_key, valid_from from positions where issuer_cik = $i order by all", params={"i": ISSUER}
    ).fetchall()
    assert after == rowids  # the other issuer's load deleted and rewrote nothing of this one


def test_filing_by_filing_loads_build_what_one_batch_builds(warehouse, tmp_path: Path):
    # Each night refreshes only the owner groups that filed: amendments arriving after their originals, the joint
    # filing's group beside the lone owner's, must still end where one batch of the whole history ends.
    connection = connect(tmp_path / "one_by_one.duckdb")
    ensure_schema(connection)
    for filing in sorted(HISTORY, key=lambda f: f.accepted):
        load(connection, [filing])
    batch = {t: warehouse.table(t).order("all").fetchall() for t in MODEL_TABLES}
    assert {t: connection.table(t).order("all").fetchall() for t in MODEL_TABLES} == batch
    connection.close()


def test_a_reload_under_other_owners_rebuilds_the_group_it_left(warehouse, tmp_path: Path):
    # The same accession reloaded with B as its owner, same issuer: A's group must lose the purchase, B's gain it,
    # exactly as if the corrected filing had been the one loaded from the start.
    corrected = Filing(
        FORM4_BUY.accession, "4", FORM4_BUY.accepted, FORM4_BUY.period, [B], FORM4_BUY.lines, issuer=ISSUER
    )
    load(warehouse, [corrected])
    fresh = connect(tmp_path / "fresh.duckdb")
    ensure_schema(fresh)
    load(fresh, [corrected if f is FORM4_BUY else f for f in HISTORY])
    expected = {t: fresh.table(t).order("all").fetchall() for t in MODEL_TABLES}
    assert {t: warehouse.table(t).order("all").fetchall() for t in MODEL_TABLES} == expected
    fresh.close()


def test_a_filing_loaded_twice_before_its_refresh_counts_in_its_last_group(warehouse, tmp_path: Path):
    # Reloaded under B, then under a third owner, before any refresh: the refresh must rebuild A's group (which
    # lost the purchase) and count the filing in the third owner's group only, not in B's.
    def under(owner: int) -> Filing:
        return Filing(FORM4_BUY.accession, "4", FORM4_BUY.accepted, FORM4_BUY.period, [owner], FORM4_BUY.lines)

    load_only(warehouse, [under(B)])
    load_only(warehouse, [under(2000003)])
    refresh_model(warehouse, [FORM4_BUY.accession], calendar_frame(date(2025, 12, 31)))
    fresh = connect(tmp_path / "fresh.duckdb")
    ensure_schema(fresh)
    load(fresh, [under(2000003) if f is FORM4_BUY else f for f in HISTORY])
    expected = {t: fresh.table(t).order("all").fetchall() for t in MODEL_TABLES}
    assert {t: warehouse.table(t).order("all").fetchall() for t in MODEL_TABLES} == expected
    fresh.close()


def test_a_night_rebuilds_only_the_owner_groups_that_filed(warehouse):
    untouched = "select rowid, position_key, valid_from from positions where owner_group_key = $g order by all"
    joint = warehouse.sql(untouched, params={"g": f"{A}-{B}"}).fetchall()
    assert joint  # the joint filing's group holds positions of its own
    sale = Filing(
        "0009999999-25-000100",
        "4",
        datetime(2025, 3, 3, 16, 0),
        "2025-03-03",
        [A],
        [Line("800", date="2025-03-03", code="S", shares="100", acquired="D")],
    )
    load(warehouse, [sale])
    assert warehouse.sql(untouched, params={"g": f"{A}-{B}"}).fetchall() == joint  # not deleted and rewritten
    assert as_of(warehouse, "2025-03-04", issuer=ISSUER, owner=A) >= {(str(A), "D", None, Decimal("800"))}


def test_a_reload_naming_another_issuer_leaves_nothing_derived_under_the_old_one(tmp_path: Path):
    # The same accession, reloaded with other rows (a corrected archive copy, a parser fix): its old issuer and
    # owner must be rebuilt too, though the new rows no longer name them.
    connection = connect(tmp_path / "warehouse.duckdb")
    ensure_schema(connection)
    load(connection, [FORM3])
    assert as_of(connection, "2024-01-31", issuer=ISSUER)
    moved = Filing(FORM3.accession, "3", FORM3.accepted, FORM3.period, [B], FORM3.lines, issuer=1000002)
    load(connection, [moved])
    assert as_of(connection, "2024-01-31", issuer=ISSUER) == set()
    assert as_of(connection, "2024-01-31", issuer=1000002) == {
        (str(B), "D", None, Decimal("1000")),
        (str(B), "I", "By trust", Decimal("500")),
    }
    left = connection.sql(
        "select (select count(*) from positions where issuer_cik = $issuer or owner_group_key = $owner),"
        " (select count(*) from issuers where issuer_cik = $issuer),"
        " (select count(*) from owners where owner_cik = $owner::bigint)",
        params={"issuer": ISSUER, "owner": str(A)},
    ).fetchall()
    assert left == [(0, 0, 0)]
    connection.close()


def test_dimensions(warehouse):
    assert warehouse.sql("select issuer_cik, issuer_name, trading_symbol, valid_to from issuers").fetchall() == [
        (ISSUER, "Hand Built Corp", "HBC", None)
    ]
    assert warehouse.sql("select security_title, security_class from securities").fetchall() == [
        ("Common Stock", "common")
    ]
    assert warehouse.sql("select category from transaction_codes where transaction_code = 'F'").fetchall() == [
        ("tax_withholding",)
    ]
    closed = warehouse.sql(
        "select day, closure_reason from calendar where day between '2025-01-01' and '2025-01-20' "
        "and not is_business_day and dayofweek(day) between 1 and 5 order by day"
    ).fetchall()
    assert [day for day, _ in closed] == [date(2025, 1, 1), date(2025, 1, 9), date(2025, 1, 20)]


def test_issuer_history_keeps_symbol_changes_and_blanks_junk_symbols(warehouse):
    renamed = Filing(
        "0009999999-25-000101",
        "4",
        datetime(2025, 3, 1, 9, 0),
        "2025-02-28",
        [A],
        [Line("901", date="2025-02-28", code="P", shares="1")],
        symbol="N/A",
    )
    load(warehouse, [renamed])
    history = warehouse.sql(
        "select trading_symbol, trading_symbol_as_filed, valid_from, valid_to, source_accession_number "
        "from issuers where issuer_cik = $issuer order by valid_from",
        params={"issuer": ISSUER},
    ).fetchall()
    assert history == [
        ("HBC", "HBC", FORM3.accepted, renamed.accepted, FORM3.accession),
        (None, "N/A", renamed.accepted, None, renamed.accession),
    ]


def test_a_batch_of_more_than_a_row_group_keeps_every_filing(tmp_path: Path):
    # A backfill refreshes more filings at once than DuckDB keeps in one row group (122,880): every one of them
    # must reach filing_status (in DuckDB 2.0.0 a table created empty by CREATE TABLE AS in a transaction drops
    # such an insert while still counting its rows).
    count = 130_000
    accessions = [f"0009999998-24-{n:06d}" for n in range(count)]

    def frame(schema: pl.Schema, **columns: list) -> pl.DataFrame:
        return pl.DataFrame({name: columns.get(name, [None] * count) for name in schema}, schema=schema)

    frames = empty_frames()
    frames["filings"] = frame(
        FILINGS,
        accession_number=accessions,
        form_type=["4"] * count,
        filing_date=[date(2024, 1, 2)] * count,
        issuer_cik=[1_000 + n % 50 for n in range(count)],
        transaction_count=[0] * count,
        holding_count=[0] * count,
    )
    frames["filing_owners"] = frame(
        FILING_OWNERS, accession_number=accessions, owner_cik=[5_000 + n % 500 for n in range(count)]
    )
    connection = connect(tmp_path / "warehouse.duckdb")
    ensure_schema(connection)
    load_filings(connection, accessions, frames, [], [], NOW)
    refresh_model(connection, accessions, calendar_frame(date(2025, 12, 31)))
    scanned = "select count(*), count(distinct owner_group_key) from filing_status where form_type = '4'"
    assert connection.sql(scanned).fetchall() == [(count, 500)]
    connection.close()


def test_a_late_filing_that_disagrees_on_a_day_holds_and_flags_that_interval(tmp_path: Path):
    """Two Form 4s report the direct holding on Jun 3: the on-time one says 1,100 after buying 100, a late one
    (accepted a week later, same day's trade) says 1,050. Rule: the filing accepted last holds, the interval is
    flagged; the day before and the next report are untouched."""
    on_time = Filing(
        "0009999999-24-000031",
        "4",
        datetime(2024, 6, 4, 16, 0),
        "2024-06-03",
        [A],
        [Line("1100", date="2024-06-03", code="P", shares="100")],
    )
    late = Filing(
        "0009999999-24-000032",
        "4",
        datetime(2024, 6, 11, 16, 0),
        "2024-06-03",
        [A],
        [Line("1050", date="2024-06-03", code="P", shares="50")],
    )
    later = Filing(
        "0009999999-24-000033",
        "4",
        datetime(2024, 7, 2, 16, 0),
        "2024-07-01",
        [A],
        [Line("1000", date="2024-07-01", code="S", shares="50", acquired="D")],
    )
    start = Filing("0009999999-24-000030", "3", datetime(2024, 5, 2, 10, 0), "2024-05-01", [A], [Line("1000")])
    connection = connect(tmp_path / "warehouse.duckdb")
    try:
        ensure_schema(connection)
        load(connection, [start, on_time, late, later])
        rows = connection.sql(
            "select valid_from, shares, source_accession_number, flag_same_day_conflict from positions "
            "order by valid_from"
        ).fetchall()
    finally:
        connection.close()
    assert rows == [
        (date(2024, 5, 1), 1000, start.accession, False),
        (date(2024, 6, 3), 1050, late.accession, True),
        (date(2024, 7, 1), 1000, later.accession, False),
    ]
