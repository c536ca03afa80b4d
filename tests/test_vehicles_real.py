"""Holdings that add up on real filings: vehicles on three real chains, timelines worked out by hand.

Each expected figure below was read off the filings' documents (fixtures/edgar-real/filings, copies of
../shared/edgar-real), line by line, and added up by hand; none is computed by the code under test. The owner
groups are one reporting owner each: Reinvent Technology Partners Y (issuer 1828108, owner 1519339): parallel
vehicles told apart only by footnotes; Square (1512673, owner 1222287): title variants ("Class A  Common Stock",
"Class A Common Shares") and a fund's name retyped without a space; Rumble (1830081, owner 1891801): an initial
Form 3 of six lines, then trades by three of its funds.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.model_assets import calendar_frame, overridden_accessions, record_overrides
from orchestration.warehouse_refresh import refresh_model
from tests.conftest import PROJECT_ROOT, SHARED, SHARED_MISSING
from tests.real_corpus import build_real_warehouse
from transforms.vehicles import Override

FIXTURE_REAL = PROJECT_ROOT / "fixtures" / "edgar-real"
VEHICLE_CHECKS = ("holding_lines_carried", "initial_form3_totals", "one_open_direct_position")

# (issuer, owner, as-of date) → Class A common stock held on that day, one figure per vehicle (D = direct).
TIMELINES = {
    # Reinvent Technology Partners Y: direct; Reprogrammed Interchange; Reinvent Sponsor Y; Programmable Exchange;
    # from October 2023 Greylock 15, Greylock 15 Principals and Greylock 15-A (three "I / See Footnotes" lines
    # whose only difference is the footnote naming the fund; 15 Principals and 15-A hold the same figures until
    # February 27, 2024).
    (1828108, 1519339, date(2022, 6, 1)): {"D": [52992], "I": [1000000, 6883086, 674719]},
    (1828108, 1519339, date(2024, 2, 21)): {
        "D": [212172],
        "I": [1000000, 6883086, 674719, 12207153, 678176, 678176],
    },
    (1828108, 1519339, date(2024, 3, 15)): {
        "D": [212172],
        "I": [1000000, 6883086, 674719, 8272128, 459564, 459563],
    },
    (1828108, 1519339, date(2024, 5, 23)): {
        "D": [286247],
        "I": [1000000, 6883086, 674719, 7014485, 389695, 389694],
    },
    # Nov 4: each fund bought (conversion of Class B) and sold the same day: the day's last lines hold.
    (1828108, 1519339, date(2024, 11, 4)): {
        "D": [286247],
        "I": [1000000, 6883086, 674719, 12103636, 672426, 672425],
    },
    # Nov 18: the three Greylock funds sold out (0 shares: no longer held).
    (1828108, 1519339, date(2024, 11, 20)): {"D": [286247], "I": [1000000, 6883086, 674719]},
    # Square: direct, seven Sequoia funds and an estate planning vehicle, each named in its nature of ownership.
    (1512673, 1222287, date(2024, 7, 15)): {"D": [29764], "I": [1862, 77, 684741, 11388, 479, 171, 1750, 540646]},
    # Aug 6: "Class A Common Shares" bought by SC US/E Expansion Fund I Management (121,266 then 313,139).
    (1512673, 1222287, date(2024, 8, 6)): {
        "D": [29764],
        "I": [1862, 77, 684741, 11388, 479, 171, 1750, 540646, 434405],
    },
    # Oct 1: the same fund as "Class A  Common Stock" held by "SC US/E ExpansionFund I Management": one vehicle.
    (1512673, 1222287, date(2024, 10, 1)): {
        "D": [29968],
        "I": [1862, 77, 684741, 11388, 479, 171, 1750, 540646, 434405],
    },
    # Rumble: the Form 3's six lines (four Craft funds, direct, one more indirect).
    (1830081, 1891801, date(2023, 6, 29)): {"D": [517576], "I": [803737, 10224, 246498, 25189, 99810]},
    # Aug 17, 2023: a Form 4 gives the direct balance as 34,530 (the new lot only); the warehouse keeps what was
    # filed, and the April 2024 Form 4 states 552,106 (= 517,576 + 34,530).
    (1830081, 1891801, date(2023, 9, 1)): {"D": [34530], "I": [803737, 10224, 246498, 25189, 99810]},
    (1830081, 1891801, date(2024, 4, 8)): {"D": [552106], "I": [266515, 3390, 87484, 25189, 99810]},
    # Jun 14, 2024: sold 16,309 then acquired 35,587: 571,384.
    (1830081, 1891801, date(2024, 6, 14)): {"D": [571384], "I": [266515, 3390, 87484, 25189, 99810]},
}
# The same days' beneficial ownership of Class A, added by hand from the lists above.
TOTALS = {
    (1828108, 1519339, date(2022, 6, 1)): 8610797,
    (1828108, 1519339, date(2024, 3, 15)): 17961232,
    (1828108, 1519339, date(2024, 5, 23)): 16637926,
    (1828108, 1519339, date(2024, 11, 4)): 22292539,
    (1828108, 1519339, date(2024, 11, 20)): 8844052,
    (1512673, 1222287, date(2024, 7, 15)): 1270878,
    (1512673, 1222287, date(2024, 8, 6)): 1705283,
    (1512673, 1222287, date(2024, 10, 1)): 1705487,
    (1830081, 1891801, date(2023, 6, 29)): 1703034,
    (1830081, 1891801, date(2023, 9, 1)): 1219988,
    (1830081, 1891801, date(2024, 4, 8)): 1034494,
    (1830081, 1891801, date(2024, 6, 14)): 1053772,
}


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    connection = build_real_warehouse(tmp_path_factory.mktemp("real") / "warehouse.duckdb", FIXTURE_REAL)
    yield connection
    connection.close()


def held(connection: duckdb.DuckDBPyConnection, issuer: int, owner: int, day: date) -> dict[str, list[int]]:
    rows = connection.execute(
        """
        select direct_or_indirect_ownership, shares
        from holdings_as_of($day, issuer := $issuer, owner := $owner)
        where table_kind = 'non_derivative' and owner_ciks = [$owner]
        """,
        {"day": day, "issuer": issuer, "owner": owner},
    ).fetchall()
    found: dict[str, list[int]] = {}
    for form, shares in rows:
        assert shares == int(shares), f"fractional shares {shares}"
        found.setdefault(form, []).append(int(shares))
    return {form: sorted(figures) for form, figures in found.items()}


@pytest.mark.parametrize("key", list(TIMELINES), ids=lambda key: f"{key[0]}-{key[2]}")
def test_holdings_on_each_day_match_the_documents(real_warehouse: duckdb.DuckDBPyConnection, key):
    expected = {form: sorted(figures) for form, figures in TIMELINES[key].items()}
    assert held(real_warehouse, *key) == expected


@pytest.mark.parametrize("key", list(TOTALS), ids=lambda key: f"{key[0]}-{key[2]}")
def test_beneficial_ownership_adds_the_vehicles(real_warehouse: duckdb.DuckDBPyConnection, key):
    issuer, owner, day = key
    total = real_warehouse.execute(
        """
        select sum(total_shares)
        from beneficial_ownership
        where
            issuer_cik = $issuer and owner_group_key = $group
            and valid_from <= $day and (valid_to is null or valid_to > $day)
        """,
        {"issuer": issuer, "group": str(owner), "day": day},
    ).fetchall()[0][0]
    assert total == Decimal(TOTALS[key])


def check_violations(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        check: len(connection.sql((PROJECT_ROOT / "sql" / "checks" / f"{check}.sql").read_text()).fetchall())
        for check in VEHICLE_CHECKS
    }


@pytest.mark.parametrize(
    "corpus", ["fixtures/edgar-real", "fixtures/edgar-sample", "shared/edgar-real", "shared/edgar-sample"]
)
def test_the_vehicle_checks_find_nothing_on_real_filings(corpus: str, tmp_path: Path):
    where, name = corpus.split("/")
    root = (PROJECT_ROOT / "fixtures" if where == "fixtures" else SHARED) / name
    if where == "shared" and not root.is_dir():
        pytest.skip(SHARED_MISSING)
    connection = build_real_warehouse(tmp_path / "warehouse.duckdb", root)
    try:
        lines = connection.sql("select count(*) from vehicle_decisions").fetchall()[0][0]
        assert lines > 0
        assert check_violations(connection) == dict.fromkeys(VEHICLE_CHECKS, 0)
    finally:
        connection.close()


def test_an_override_changes_the_line_it_names_and_undoing_it_restores_the_vehicle(tmp_path: Path):
    """Square, Oct 1 2024, holding line 9 (SC US/E ExpansionFund I Management, 434,405): joined by balance to the
    August vehicle; an analyst's new_vehicle makes it a second one, removing the override joins it again."""
    connection = build_real_warehouse(tmp_path / "warehouse.duckdb", FIXTURE_REAL)
    line = ("0001628280-24-042189", "holdings", "non_derivative", 9)
    day = (1512673, 1222287, date(2024, 10, 1))
    try:
        override = Override(line, "new_vehicle", note="a second account")
        accessions = overridden_accessions(connection, "digest-1", [override])
        assert accessions == ["0001628280-24-042189"]
        refresh_model(connection, accessions, calendar_frame(date(2026, 1, 1)), [override])
        record_overrides(connection, "digest-1")
        assert overridden_accessions(connection, "digest-1", [override]) == []
        assert held(connection, *day)["I"].count(434405) == 2
        rule = connection.execute(
            "select rule, detail from vehicle_decisions where accession_number = ? and source_table = ? "
            "and table_kind = ? and line_number = ?",
            list(line),
        ).fetchall()
        assert rule == [("override_new_vehicle", "a second account")]

        accessions = overridden_accessions(connection, "digest-2", [])
        assert accessions == ["0001628280-24-042189"]
        refresh_model(connection, accessions, calendar_frame(date(2026, 1, 1)), [])
        assert held(connection, *day) == {form: sorted(figures) for form, figures in TIMELINES[day].items()}
    finally:
        connection.close()


def test_vehicles_assigned_in_small_batches_of_groups_are_the_same(
    real_warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Groups are independent, so a refresh that hands them over 50 lines at a time (about 20 batches here) gives
    the vehicles of one pass."""
    import orchestration.warehouse_refresh as warehouse

    monkeypatch.setattr(warehouse, "VEHICLE_BATCH_LINES", 50)
    batched = build_real_warehouse(tmp_path / "batched.duckdb", FIXTURE_REAL)
    try:
        query = "select * from positions order by all"
        assert batched.sql(query).fetchall() == real_warehouse.sql(query).fetchall()
        assert (
            batched.sql("select count(*) from vehicle_decisions").fetchall()
            == real_warehouse.sql("select count(*) from vehicle_decisions").fetchall()
        )
    finally:
        batched.close()


def test_each_vehicle_check_finds_what_it_is_for(tmp_path: Path):
    """On a copy of the real warehouse: a position that lost a holding line's figure, a Form 3 line dropped from
    beneficial ownership, and a second open direct position left by another filing are each found by their check."""
    connection = build_real_warehouse(tmp_path / "broken.duckdb", FIXTURE_REAL)
    try:
        assert check_violations(connection) == dict.fromkeys(VEHICLE_CHECKS, 0)
        # Rumble's Form 3 (2023-06-29): its direct line's interval now holds another figure
        connection.execute(
            "update positions set shares = shares + 1 where source_accession_number = '0001213900-23-056008' "
            "and direct_or_indirect_ownership = 'D'"
        )
        connection.execute(
            "update beneficial_ownership set total_shares = total_shares - 1 where owner_group_key = '1891801' "
            "and valid_from = date '2023-06-29'"
        )
        # Square's founder: an open direct position copied as if an earlier filing had left it open
        connection.execute(
            "insert into positions select * replace (md5(position_key) as position_key, "
            "'0001062993-24-014684' as source_accession_number) from positions "
            "where direct_or_indirect_ownership = 'D' and valid_to is null and owner_group_key = '1222287' "
            "and table_kind = 'non_derivative' and source_accession_number <> '0001062993-24-014684' "
            "order by position_key limit 1"
        )
        assert check_violations(connection) == dict.fromkeys(VEHICLE_CHECKS, 1)
    finally:
        connection.close()


def test_a_backlog_refreshed_a_few_issuers_at_a_time_gives_the_model_of_one_refresh(
    real_warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
):
    """Twenty years of data sets are refreshed in chunks of whole issuers (memory follows the chunk): chunks of
    about 20 filings here, 9 of them, must give every model row one refresh gives."""
    from datetime import datetime

    from orchestration.model_assets import refresh_pending
    from orchestration.warehouse_connection import connect, ensure_schema
    from orchestration.warehouse_load import load_filings
    from tests.real_corpus import real_submissions
    from transforms.normalize import NormalizedFiling, normalize_submission, to_frames

    parsed = [
        result
        for result in (normalize_submission(accession, raw) for accession, raw in real_submissions(FIXTURE_REAL))
        if isinstance(result, NormalizedFiling)
    ]
    connection = connect(tmp_path / "chunked.duckdb")
    try:
        ensure_schema(connection)
        accessions = [filing.accession_number for filing in parsed]
        load_filings(connection, accessions, to_frames(parsed), [], [], datetime(2026, 1, 1))
        chunks = refresh_pending(connection, [], "", calendar_frame(date(2026, 1, 1)), chunk_filings=20)
        assert chunks >= len(accessions) // 20 - 1
        assert connection.sql("select count(*) from model_pending").fetchall() == [(0,)]
        queries = [
            f"select * from {table} order by all"  # noqa: S608 (table names of this test)
            for table in ("positions", "beneficial_ownership", "issuers", "owners", "filing_status")
        ]
        # A title's first_accession_number is the smallest accession naming it, whichever chunk saw it first.
        queries.append("select * from securities order by all")
        for query in queries:
            assert connection.sql(query).fetchall() == real_warehouse.sql(query).fetchall(), query
        count = "select count(*), count(distinct vehicle_key) from vehicle_decisions"
        assert connection.sql(count).fetchall() == real_warehouse.sql(count).fetchall()
        # The SQL models likewise: built in chunks of about 20 filings' issuers, then in one pass on a copy.
        from orchestration.sql_models import all_models, model_chunks
        from tests.test_sql_models import build_in_dependency_order

        assert len(model_chunks(connection, True, 20) or []) >= len(accessions) // 20 - 1
        build_in_dependency_order(connection, chunk_filings=20)
        chunked = {name: connection.table(name).order("all").fetchall() for name in all_models()}
        connection.execute("delete from model_versions")
        build_in_dependency_order(connection)
        assert {name: connection.table(name).order("all").fetchall() for name in all_models()} == chunked
        assert sum(len(table) for table in chunked.values()) > 100
    finally:
        connection.close()


OVERRIDES_HEADER = (
    "accession_number,source_table,table_kind,line_number,decision,target_accession_number,target_source_table,"
    "target_table_kind,target_line_number,note\n"
)
# Square: the August 2024 Form 4 (Block) and the October one whose holding line 9 continues an August vehicle.
AUGUST, OCTOBER = "0001062993-24-014684", "0001628280-24-042189"


@pytest.mark.parametrize(
    ("row", "said"),
    [
        (
            "0009999999-24-000001,holdings,non_derivative,1,new_vehicle,,,,,a fund",
            "line 2: filing 0009999999-24-000001 is not loaded: load it first, or remove the row",
        ),
        (f"{OCTOBER},holdings,non_derivative,99,new_vehicle,,,,,", f"line 2: filing {OCTOBER} has no holdings"),
        (
            f"{OCTOBER},holdings,non_derivative,9,same_vehicle,{AUGUST},holdings,non_derivative,99,the fund",
            f"line 2: its target: filing {AUGUST} has no holdings non_derivative line 99",
        ),
        (
            f"{AUGUST},holdings,non_derivative,1,same_vehicle,{OCTOBER},holdings,non_derivative,9,",
            f"line 2: the target {OCTOBER} holdings non_derivative line 9 was filed after the line: name an earlier",
        ),
    ],
    ids=["not loaded", "no such line", "no such target", "later target"],
)
def test_an_override_the_warehouse_cannot_honour_is_refused_naming_its_row_and_changes_nothing(
    real_warehouse: duckdb.DuckDBPyConnection, row: str, said: str
):
    """Each once went by without a word: a row for a filing not loaded was ignored, and a same_vehicle row whose
    target does not exist made the line a new vehicle, a holding counted twice."""
    from orchestration.settings import SettingError
    from transforms.vehicle_overrides import parse_overrides

    positions = real_warehouse.sql("select * from positions order by all").fetchall()
    overrides = parse_overrides(OVERRIDES_HEADER + row + "\n", "overrides/vehicles.csv")
    accessions = overridden_accessions(real_warehouse, "digest-1", overrides)
    with pytest.raises(SettingError, match=rf"^INSIDER_VEHICLE_OVERRIDES: overrides/vehicles.csv {said}"):
        refresh_model(real_warehouse, accessions, calendar_frame(date(2026, 1, 1)), overrides)
    assert real_warehouse.sql("select * from positions order by all").fetchall() == positions


def test_an_override_of_another_owner_groups_line_is_refused(real_warehouse: duckdb.DuckDBPyConnection):
    from orchestration.settings import SettingError
    from transforms.vehicle_overrides import parse_overrides

    [(other, kind, number)] = real_warehouse.sql(
        "select accession_number, table_kind, line_number from holdings inner join filing_status using "
        "(accession_number) where issuer_cik = 1830081 order by all limit 1"
    ).fetchall()
    row = f"{OCTOBER},holdings,non_derivative,9,same_vehicle,{other},holdings,{kind},{number},\n"
    overrides = parse_overrides(OVERRIDES_HEADER + row, "my.csv")
    with pytest.raises(SettingError, match=r"my.csv line 2: the target .* is of issuer 1830081 and owners"):
        refresh_model(real_warehouse, [OCTOBER], calendar_frame(date(2026, 1, 1)), overrides)
