"""Each SQL model on a few hand-built filings; every expected figure is worked out by hand in the comments."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.model_assets import calendar_frame
from orchestration.sql_files import run_sql_file
from orchestration.sql_models import (
    MODEL_CHUNK_FILINGS,
    SqlModel,
    all_models,
    materialize_model,
    model_chunks,
    models_in_dependency_order,
    upstream_assets,
)
from orchestration.warehouse_connection import connect, ensure_schema
from orchestration.warehouse_load import load_filings
from orchestration.warehouse_refresh import refresh_model
from tests.ownership_builder import Filing, Line
from transforms.normalize import normalize_submission, to_frames

ACTIVITY, LAG, PLANS, VEHICLES, ROUTINE = 5000001, 5000002, 5000003, 5000004, 5000005
_serial = iter(range(1, 10_000))


def filing(issuer: int, owners: list[int], accepted: str, lines: list[Line], **extra) -> Filing:
    when = datetime.fromisoformat(accepted)
    accession = f"0008888888-{when:%y}-{next(_serial):06d}"
    return Filing(accession, "4", when, lines[0].date or when.date().isoformat(), owners, lines, issuer=issuer, **extra)


def amendment(issuer: int, owners: list[int], accepted: str, period: str, original_filed: str, line: Line) -> Filing:
    """A 4/A restating the owners' filing of `original_filed` for `period` with `line`."""
    when = datetime.fromisoformat(accepted)
    accession = f"0008888888-{when:%y}-{next(_serial):06d}"
    return Filing(accession, "4/A", when, period, owners, [line], original_filed=original_filed, issuer=issuer)


def buy(day: str, shares: str, price: str | None, after: str, **extra) -> Line:
    return Line(after, date=day, code="P", shares=shares, price=price, **extra)


def sell(day: str, shares: str, price: str | None, after: str, **extra) -> Line:
    return Line(after, date=day, code="S", shares=shares, price=price, acquired="D", **extra)


HISTORY = [
    # Open-market activity of one issuer: three owner groups buy within 10 days (a cluster), one sells.
    filing(ACTIVITY, [1], "2024-01-03 16:00", [buy("2024-01-02", "100", "10", "100")]),  # value 1,000
    filing(ACTIVITY, [2], "2024-01-08 16:00", [buy("2024-01-05", "200", "11", "200")]),  # value 2,200
    filing(ACTIVITY, [4, 5], "2024-01-10 16:00", [buy("2024-01-09", "300", "12", "300")]),  # joint: one group, 3,600
    filing(ACTIVITY, [3], "2024-02-16 16:00", [sell("2024-02-15", "50", "20", "950")]),  # value 1,000
    # 200 is far from the filing's other prices (median 21): flagged and left out of the activity models.
    filing(
        ACTIVITY,
        [3],
        "2024-02-21 16:00",
        [
            sell("2024-02-20", "10", "20", "940"),
            sell("2024-02-20", "10", "200", "930"),
            sell("2024-02-20", "10", "21", "920"),
        ],
    ),
    filing(ACTIVITY, [1], "2024-03-04 16:00", [Line("90", date="2024-03-01", code="P", shares="10", acquired="D")]),
    filing(ACTIVITY, [1], "2024-03-06 16:00", [buy("2024-03-05", "5", None, "105")]),  # no price: value NULL
    # Filing lag across Martin Luther King Day (Monday 2024-01-15, EDGAR closed).
    filing(LAG, [6], "2024-01-17 12:00", [buy("2024-01-12", "1", "1", "1")]),  # Tue 16 = 1, Wed 17 = 2: on time
    filing(LAG, [6], "2024-01-18 12:00", [buy("2024-01-12", "1", "1", "2")]),  # Thu 18 = 3: late
    # Rule 10b5-1: official checkbox, a footnote naming the rule (non-breaking hyphen), and a bare Rule 10b-5.
    filing(
        PLANS,
        [7],
        "2024-05-02 16:00",
        [
            Line("0", date="2024-05-01", code="M", shares="100", price="5"),
            sell("2024-05-01", "100", "30", "0", footnote_ids=("F1",)),
        ],
        aff10b5="1",
        footnotes={"F1": "Sold under a Rule 10b5\u20111 trading plan adopted January 2, 2024."},
    ),
    filing(
        PLANS,
        [8],
        "2024-05-03 16:00",
        [sell("2024-05-02", "10", "30", "90", footnote_ids=("F1",))],
        aff10b5="0",
        footnotes={"F1": "The reporting person is aware of Rule 10b-5 and its obligations."},
    ),
    filing(
        PLANS,
        [9],
        "2024-05-06 16:00",
        [
            Line("500", date="2024-05-03", code="A", shares="500", price="0"),
            Line("400", date="2024-05-03", code="F", shares="100", price="30", acquired="D"),
        ],
    ),
    # Two vehicles: 1,000 direct and 1,000 in a trust; then 100 direct are sold.
    filing(
        VEHICLES,
        [10],
        "2024-06-03 16:00",
        [buy("2024-06-03", "1000", "5", "1000"), buy("2024-06-03", "1000", "5", "1000", direct="I", nature="By trust")],
    ),
    filing(VEHICLES, [10], "2024-07-02 16:00", [sell("2024-07-01", "100", "6", "900")]),
    # Routine trades in March of 2021, 2022 and 2023; opportunistic trades in different months; a newcomer.
    *[
        filing(ROUTINE, [11], f"{y}-03-11 16:00", [buy(f"{y}-03-10", "1", "1", str(y))])
        for y in (2021, 2022, 2023, 2024)
    ],
    *[
        filing(ROUTINE, [12], f"{y}-{m:02d}-11 16:00", [buy(f"{y}-{m:02d}-10", "1", "1", str(y))])
        for y, m in ((2021, 1), (2022, 5), (2023, 9), (2024, 2))
    ],
    *[filing(ROUTINE, [13], f"{y}-04-11 16:00", [buy(f"{y}-04-10", "1", "1", str(y))]) for y in (2023, 2024)],
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    connection = connect(tmp_path_factory.mktemp("models") / "warehouse.duckdb")
    ensure_schema(connection)
    parsed = [normalize_submission(f.accession, f.raw()) for f in HISTORY]
    accessions = [f.accession for f in HISTORY]
    load_filings(connection, accessions, to_frames(parsed), [], [], datetime(2026, 1, 1))
    refresh_model(connection, accessions, calendar_frame(date(2025, 1, 1)))
    build_in_dependency_order(connection)
    yield connection
    connection.close()


def build_in_dependency_order(connection, chunk_filings: int = MODEL_CHUNK_FILINGS, **overrides) -> None:
    for model in models_in_dependency_order():
        materialize_model(connection, model, overrides.get(model.name, {}), chunk_filings)


def rows(connection, sql: str, **params) -> list[tuple]:
    return connection.sql(sql, params=params or None).fetchall()


def test_transaction_value_is_null_without_a_price_and_flags_contradictions(warehouse):
    values = dict(
        rows(
            warehouse,
            "select transaction_date, value from transaction_values where issuer_cik = $i "
            "and transaction_date in ('2024-01-09', '2024-03-05')",
            i=ACTIVITY,
        )
    )
    assert values == {date(2024, 1, 9): Decimal("3600"), date(2024, 3, 5): None}
    flags = rows(
        warehouse,
        "select transaction_date, price, flag_code_contradicts_direction, flag_price_outlier "
        "from transaction_values where issuer_cik = $i and (flag_code_contradicts_direction "
        "or flag_price_outlier)",
        i=ACTIVITY,
    )
    assert sorted(flags) == [
        (date(2024, 2, 20), Decimal("200"), False, True),
        (date(2024, 3, 1), Decimal("10"), True, False),
    ]


def test_monthly_insider_activity(warehouse):
    got = rows(
        warehouse,
        "select month, purchases, shares_bought, value_bought, buyers, sales, shares_sold, "
        "value_sold, sellers from monthly_insider_activity where issuer_cik = $i order by month",
        i=ACTIVITY,
    )
    assert got == [
        # January: 100 + 200 + 300 shares for 1,000 + 2,200 + 3,600; the joint filing's two owners are one buyer.
        (date(2024, 1, 1), 3, 600, 6800, 3, 0, 0, 0, 0),
        # February: 50 at 20 and 10 at 20 and 10 at 21 (the 200 line is an outlier): 1,000 + 200 + 210.
        (date(2024, 2, 1), 0, 0, 0, 0, 3, 70, 1410, 1),
        # March: the P-with-D line is excluded; the unpriced purchase counts its shares, adds no value.
        (date(2024, 3, 1), 1, 5, 0, 1, 0, 0, 0, 0),
    ]


def test_net_buying_windows(warehouse):
    got = dict(
        (day, (n30, n60, n90))
        for day, n30, n60, n90 in rows(
            warehouse,
            "select day, net_shares_30d, net_shares_60d, net_shares_90d from net_insider_buying where issuer_cik = $i",
            i=ACTIVITY,
        )
    )
    # 2024-02-15: the 30 days back to 01-17 hold only the sale (-50); 60 days reach the January buys (+600).
    assert got[date(2024, 2, 15)] == (-50, 550, 550)
    # 2024-03-05: 30 days (from 02-05): -50 -20 + 5 = -65; 60 days (from 01-06, 2024 is a leap year) add the
    # 01-09 buy only: +300 = 235; 90 days add all of January: +600 = 535.
    assert got[date(2024, 3, 5)] == (-65, 235, 535)


def test_net_purchase_ratio_over_six_months(warehouse):
    got = rows(
        warehouse,
        "select net_purchase_ratio from net_purchase_ratio where issuer_cik = $i and month = $m",
        i=ACTIVITY,
        m=date(2024, 3, 1),
    )
    assert got == [(pytest.approx((4 - 3) / (4 + 3)),)]  # 4 purchases, 3 sales from October to March


def test_cluster_buys_default_and_overridden(warehouse):
    got = rows(
        warehouse,
        "select window_start, last_buy, owner_groups, purchases from cluster_buys where issuer_cik = $i",
        i=ACTIVITY,
    )
    assert got == [(date(2024, 1, 2), date(2024, 1, 9), 3, 3)]  # three groups from 01-02 within 10 days
    build_in_dependency_order(warehouse, cluster_buys={"min_owner_groups": 2, "window_days": 5})
    got = rows(
        warehouse, "select window_start, owner_groups from cluster_buys where issuer_cik = $i order by 1", i=ACTIVITY
    )
    assert got == [(date(2024, 1, 2), 2), (date(2024, 1, 5), 2)]  # 01-02..01-06 and 01-05..01-09 hold two each
    build_in_dependency_order(warehouse)


def test_filing_lag_counts_edgar_business_days(warehouse):
    got = rows(
        warehouse, "select lag_business_days, is_late_form4 from filing_lag where issuer_cik = $i order by 1", i=LAG
    )
    assert got == [(2, False), (3, True)]


def test_rule_10b5_1_official_and_inferred_are_separate(warehouse):
    got = rows(
        warehouse,
        "select owner_group_key, transaction_code, is_10b5_1_official, "
        "is_10b5_1_inferred_from_footnotes from rule_10b5_1_trading where issuer_cik = $i "
        "and transaction_code = 'S' order by 1",
        i=PLANS,
    )
    assert got == [("7", "S", True, True), ("8", "S", False, False)]  # "Rule 10b-5" alone never matches


def test_filing_activity_classes(warehouse):
    got = dict(
        rows(
            warehouse,
            "select owner_group_key, activity from filing_activity where issuer_cik in ($a, $b)",
            a=PLANS,
            b=ACTIVITY,
        )
    )
    assert got["7"] == "sale_after_option_exercise" and got["8"] == "sale" and got["9"] == "grant"
    assert got["2"] == "purchase"


def test_ownership_change_against_the_vehicle_and_the_group(warehouse):
    [(vehicle_before, vehicle_pct, group_before, group_pct)] = rows(
        warehouse,
        "select vehicle_shares_before, vehicle_change_pct, group_shares_before, group_change_pct "
        "from ownership_change where issuer_cik = $i and transaction_code = 'S'",
        i=VEHICLES,
    )
    # 100 sold of 1,000 held directly (-10 %), of 2,000 held across both vehicles (-5 %).
    assert (vehicle_before, vehicle_pct, group_before, group_pct) == (1000, -10, 2000, -5)


def test_routine_and_opportunistic_insiders(warehouse):
    got = dict(
        rows(
            warehouse,
            "select owner_group_key, insider_type from routine_insiders where issuer_cik = $i and trade_year = 2024",
            i=ROUTINE,
        )
    )
    assert got == {"11": "routine", "12": "opportunistic", "13": "unclassified"}


def test_every_model_states_its_grain_and_reads_only_known_tables():
    for model in all_models().values():
        assert model.grain and model.grain[0].islower(), model.name
        assert model.reads, model.name


def test_models_read_their_dependencies_from_the_sql(tmp_path: Path):
    assert upstream_assets(all_models()["net_purchase_ratio"], set()) == ["monthly_insider_activity"]
    assert upstream_assets(all_models()["transaction_values"], {"transactions", "filing_status", "filings"}) == [
        "filing_status",
        "filings",
        "transactions",
    ]


def test_incremental_refresh_equals_a_full_rebuild(warehouse):
    [(restated,)] = rows(warehouse, "select accession_number from filings where period_of_report = '2024-07-01'")
    # restates the sale of 2024-07-02: only the original's status changes, not its rows
    restatement = amendment(
        VEHICLES, [10], "2024-07-05 16:00", "2024-07-01", "2024-07-02", sell("2024-07-01", "150", "6", "850")
    )
    later = [
        filing(ACTIVITY, [3], "2024-03-20 16:00", [buy("2024-03-19", "7", "15", "927")]),
        filing(ROUTINE, [13], "2025-04-11 16:00", [buy("2025-04-10", "1", "1", "2025")]),
        restatement,
    ]
    run_sql_file(warehouse, "model_runtime/clear_model_scope.sql")  # as a publish does: the history is up to date
    parsed = [normalize_submission(f.accession, f.raw()) for f in later]
    accessions = [f.accession for f in later]
    load_filings(warehouse, accessions, to_frames(parsed), [], [], datetime(2026, 1, 2))
    refresh_model(warehouse, accessions, calendar_frame(date(2025, 12, 31)))
    build_in_dependency_order(warehouse)  # digests unchanged: only the two issuers are recomputed
    incremental = {name: warehouse.table(name).order("all").fetchall() for name in all_models()}
    warehouse.execute("delete from model_versions")
    build_in_dependency_order(warehouse)  # no digests: every model rebuilt from scratch
    assert {name: warehouse.table(name).order("all").fetchall() for name in all_models()} == incremental
    assert rows(warehouse, "select count(*) from transaction_values where transaction_date = '2024-03-19'") == [(1,)]
    by_filing = "select accession_number, shares from transaction_values where accession_number in ($a, $b)"
    assert rows(warehouse, by_filing, a=restated, b=restatement.accession) == [(restatement.accession, Decimal("150"))]


def model_rows(connection) -> dict[str, list[tuple]]:
    return {name: connection.table(name).order("all").fetchall() for name in all_models()}


def test_models_built_a_few_issuers_at_a_time_equal_one_pass(tmp_path: Path):
    """A history of Form 345 data sets recomputes millions of filings: past the chunk size a model goes a chunk of
    whole issuers at a time, in a full build and in an incremental refresh, and must give the rows of one pass."""
    connection = connect(tmp_path / "chunked.duckdb")
    try:
        ensure_schema(connection)
        parsed = [normalize_submission(f.accession, f.raw()) for f in HISTORY]
        load_filings(connection, [f.accession for f in HISTORY], to_frames(parsed), [], [], datetime(2026, 1, 1))
        refresh_model(connection, [f.accession for f in HISTORY], calendar_frame(date(2025, 1, 1)))
        build_in_dependency_order(connection)  # one pass: the chunk size is far above these few filings
        one_pass = model_rows(connection)
        assert sum(len(table) for table in one_pass.values()) > 50
        issuers = rows(connection, "select count(distinct issuer_cik) from filing_status")[0][0]
        for full in (True, False):
            chunks = model_chunks(connection, full, 3)
            assert chunks is not None and len(chunks) >= 3, chunks
            assert sorted(issuer for chunk in chunks for issuer in chunk) == sorted(
                row[0] for row in rows(connection, "select distinct issuer_cik from filing_status")
            )
            assert len({issuer for chunk in chunks for issuer in chunk}) == issuers
        assert model_chunks(connection, True, MODEL_CHUNK_FILINGS) is None
        connection.execute("delete from model_versions")
        build_in_dependency_order(connection, chunk_filings=3)  # full builds, in chunks
        assert model_rows(connection) == one_pass
        build_in_dependency_order(connection, chunk_filings=3)  # incremental (the scope holds every filing), chunks
        assert model_rows(connection) == one_pass
    finally:
        connection.close()


def test_a_model_built_in_chunks_reads_back_filtered_in_the_same_process(tmp_path: Path):
    """Chunks of more than a row group (122,880 rows) are written to the file as they are inserted. Into a table
    created empty in the same transaction, DuckDB 2.0.0 then kept the empty table's statistics, and a filtered read
    in the same process found no rows (every model reading transaction_values was empty on the 80-quarter history).
    The chunks now go into a table created beforehand, which takes the model's name at the end."""
    connection = connect(tmp_path / "many.duckdb")
    try:
        ensure_schema(connection)
        connection.execute(
            "insert into filing_status (accession_number, issuer_cik) select 'a' || i, i % 4 + 1 from range(40) as t(i)"
        )
        select = "select i % 4 + 1 as issuer_cik, i as v from range(600000) as t(i) where in_model_scope(i % 4 + 1)"
        model = SqlModel("many_rows", "one row per number", select)
        assert len(model_chunks(connection, True, 10)) == 4
        assert materialize_model(connection, model, {}, chunk_filings=10) == 600_000
        filtered = "select count(*) from many_rows where issuer_cik in (select 3)"
        assert rows(connection, filtered) == [(150_000,)]
        assert rows(connection, "select count(*) from duckdb_tables() where table_name like 'many_rows%'") == [(1,)]
    finally:
        connection.close()


def test_late_trades_redo_exactly_the_windows_that_read_them(tmp_path: Path):
    # The models over windows (`-- scope: date`) recompute an issuer's rows from the earliest changed trade on,
    # reading the trades before it that those rows' windows reach. Each late trade below falls inside windows that
    # start earlier, so a lookback one window too short leaves a stale row that a full rebuild corrects:
    # ROUTINE buys on 2024-02-12 (in the cluster window and the 30-day sum from its buy of 02-10, in February's
    # month, and in the six-month ratios that also read its September 2023), and owner 3 restates its sale of
    # 2024-02-15 as made on 02-25 (the original's line is superseded, so the rows from 02-15 on change, not only
    # those from the new line's date). Then a reload moves a trade of VEHICLES to another day: the old date is gone
    # with the old line, so VEHICLES is recomputed in full.
    connection = connect(tmp_path / "warehouse.duckdb")
    ensure_schema(connection)
    clusters_of_one = {"cluster_buys": {"min_owner_groups": 1}}  # every window a row, so every stale one shows

    def load_and_build(filings: list[Filing]) -> dict[str, list[tuple]]:
        run_sql_file(connection, "model_runtime/clear_model_scope.sql")  # as a publish does: the rest is up to date
        parsed = [normalize_submission(f.accession, f.raw()) for f in filings]
        accessions = [f.accession for f in filings]
        load_filings(connection, accessions, to_frames(parsed), [], [], datetime(2026, 1, 1))
        refresh_model(connection, accessions, calendar_frame(date(2025, 12, 31)))
        build_in_dependency_order(connection, **clusters_of_one)
        return model_rows(connection)

    def rebuilt_in_full() -> dict[str, list[tuple]]:
        connection.execute("delete from model_versions")
        build_in_dependency_order(connection, **clusters_of_one)
        return model_rows(connection)

    def changed_from() -> list[tuple]:
        return rows(connection, "select issuer_cik, min(changed_from) from model_scope_days group by 1 order by 1")

    load_and_build(HISTORY)
    [sale] = [f for f in HISTORY if f.issuer == ACTIVITY and f.period == "2024-02-15"]
    [vehicle_sale] = [f for f in HISTORY if f.issuer == VEHICLES and f.period == "2024-07-01"]
    routine_rows = "select rowid, * from net_insider_buying where issuer_cik = $issuer and day < '2023-12-01'"
    untouched = rows(connection, routine_rows, issuer=ROUTINE)
    late = [
        filing(ROUTINE, [14], "2024-02-14 16:00", [buy("2024-02-12", "3", "2", "3")]),
        amendment(ACTIVITY, [3], "2024-02-26 16:00", "2024-02-15", "2024-02-16", sell("2024-02-25", "80", "20", "920")),
    ]
    incremental = load_and_build(late)
    assert changed_from() == [(ACTIVITY, date(2024, 2, 15)), (ROUTINE, date(2024, 2, 12))]
    assert len(untouched) == 7 and rows(connection, routine_rows, issuer=ROUTINE) == untouched  # same rowids: kept
    assert rebuilt_in_full() == incremental
    assert rows(connection, "select shares from transaction_values where accession_number = $a", a=sale.accession) == []

    vehicles = "select rowid from net_insider_buying where issuer_cik = $issuer"
    vehicles_before = rows(connection, vehicles, issuer=VEHICLES)
    moved_line = sell("2024-06-20", "100", "6", "900")
    moved = Filing(
        vehicle_sale.accession, "4", vehicle_sale.accepted, "2024-06-20", [10], [moved_line], issuer=VEHICLES
    )
    incremental = load_and_build([moved])
    assert changed_from() == [(VEHICLES, date.min)]  # '-infinity'
    assert not set(rows(connection, vehicles, issuer=VEHICLES)) & set(vehicles_before)  # every row redone
    assert rebuilt_in_full() == incremental
    assert rows(connection, "select count(*) from transaction_values where transaction_date = '2024-07-01'") == [(0,)]
    connection.close()


def test_models_are_built_after_what_they_read_and_a_cycle_is_refused():
    from orchestration.sql_models import ModelCycleError

    ordered = [model.name for model in models_in_dependency_order()]
    assert sorted(ordered) == sorted(all_models())
    for position, model in enumerate(models_in_dependency_order()):
        assert {dep for dep in upstream_assets(model, set()) if dep in all_models()} <= set(ordered[:position])
    models = all_models()
    reader = next(model for model in models.values() if "transaction_values" in upstream_assets(model, set()))
    looped = {
        "transaction_values": replace(
            models["transaction_values"], reads=models["transaction_values"].reads | {reader.name}
        ),
        reader.name: reader,
    }
    with pytest.raises(ModelCycleError, match="read each other"):
        models_in_dependency_order(looped)
