"""Five-percent holders over time: a 13G chain (13G → 13G/A → 13G/A exit) and a holder moving from 13G to 13D, built
from a real 13G and a real 13D changed in their figures and dates, loaded into a real warehouse in either order."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from mirror.envelope import party_block, submission
from orchestration.warehouse_connection import connect, ensure_schema
from orchestration.warehouse_load import load_filings
from tests.test_schedule13_real import REAL
from transforms.document_kinds import normalize_kinds

TERAWULF = 1083301
SCOTIA = 9631  # the real 13G's filer: one chain
ACTIVIST = 2059583  # the real 13D's filer, here a 13G holder of the same issuer turning active
G13 = (REAL / "13g-2026-01" / "0000009631-26-000003" / "primary_doc.xml").read_bytes()
D13 = (REAL / "other" / "sc13d-qxo_0001140361-25-017533.xml").read_bytes()


def statement_13g(event: str, shares: str, percent: str, amended: bool, five_or_less: bool = False) -> bytes:
    """The real 13G with its event date, figures and form changed; with `five_or_less`, item 5 ticked."""
    xml = G13.replace(b"12/31/2025", event.encode()).replace(b">27383209<", f">{shares}<".encode())
    xml = xml.replace(b"<classPercent>6.20</classPercent>", f"<classPercent>{percent}</classPercent>".encode())
    if amended:
        xml = xml.replace(b"<submissionType>SCHEDULE 13G<", b"<submissionType>SCHEDULE 13G/A<")
    if five_or_less:
        xml = re.sub(
            rb"<item5>.*?</item5>",
            b"<item5><classOwnership5PercentOrLess>Y</classOwnership5PercentOrLess></item5>",
            xml,
            flags=re.S,
        )
    return xml


def statement_13d(event: str) -> bytes:
    """The real 13D (five persons of one group, the largest 6.3%) as a statement on TERAWULF."""
    xml = D13.replace(b"<issuerCIK>0001236275<", b"<issuerCIK>0001083301<")
    xml = xml.replace(b"<issuerName>QXO, Inc.</issuerName>", b"<issuerName>TERAWULF INC.</issuerName>")
    return xml.replace(b"<dateOfEvent>04/29/2025<", f"<dateOfEvent>{event}<".encode())


def filed(accession: str, form: str, xml: bytes, filer: int, accepted: datetime) -> tuple[str, bytes]:
    parties = [
        *party_block("SUBJECT COMPANY", "COMPANY DATA", TERAWULF, "TERAWULF INC."),
        *party_block("FILED BY", "COMPANY DATA", filer, f"FILER {filer}"),
    ]
    return accession, submission(xml, accession, form, accepted, parties=parties)


CHAIN = [
    filed(
        "0000009631-26-000003",
        "SCHEDULE 13G",
        statement_13g("12/31/2025", "27383209", "6.20", False),
        SCOTIA,
        datetime(2026, 1, 27, 14, 44),
    ),
    filed(
        "0000009631-26-000100",
        "SCHEDULE 13G/A",
        statement_13g("03/31/2026", "45000000", "10.50", True),
        SCOTIA,
        datetime(2026, 4, 10, 9, 0),
    ),
    filed(
        "0000009631-26-000200",
        "SCHEDULE 13G/A",
        statement_13g("06/30/2026", "0", "0.0", True, True),
        SCOTIA,
        datetime(2026, 7, 9, 9, 0),
    ),
    filed(
        "0002059583-26-000001",
        "SCHEDULE 13G",
        statement_13g("01/15/2026", "26000000", "5.90", False),
        ACTIVIST,
        datetime(2026, 1, 20, 16, 0),
    ),
    filed("0002059583-26-000002", "SCHEDULE 13D", statement_13d("05/04/2026"), ACTIVIST, datetime(2026, 5, 6, 17, 0)),
]


def warehouse(tmp_path: Path, order: list[tuple[str, bytes]]):
    connection = connect(tmp_path / "warehouse.duckdb")
    ensure_schema(connection)
    for accession, raw in order:  # one load per filing, in the order given
        frames, outcomes = normalize_kinds([(accession, raw)])
        assert outcomes == [accession]
        load_filings(connection, [accession], frames, [], [], datetime(2026, 8, 1))
    return connection


def holders(connection, day: date) -> list[tuple]:
    return connection.sql(
        "select holder_cik, schedule, headline_amount, headline_percent, accession_number "
        "from five_percent_holders_as_of($day, issuer := $issuer) order by holder_cik",
        params={"day": day, "issuer": TERAWULF},
    ).fetchall()


@pytest.mark.parametrize("order", ["as filed", "reversed"])
def test_holders_as_of_dates_between_and_after_a_chain_and_a_switch(tmp_path: Path, order: str):
    connection = warehouse(tmp_path, CHAIN if order == "as filed" else CHAIN[::-1])
    assert holders(connection, date(2025, 12, 30)) == []
    assert holders(connection, date(2026, 2, 1)) == [
        (SCOTIA, "13G", Decimal("27383209"), Decimal("6.20"), "0000009631-26-000003"),
        (ACTIVIST, "13G", Decimal("26000000"), Decimal("5.90"), "0002059583-26-000001"),
    ]
    assert holders(connection, date(2026, 4, 15)) == [
        (SCOTIA, "13G", Decimal("45000000"), Decimal("10.50"), "0000009631-26-000100"),
        (ACTIVIST, "13G", Decimal("26000000"), Decimal("5.90"), "0002059583-26-000001"),
    ]
    # The 13D's headline is its largest person (32,671,542 shares, 6.3%), never the sum of its five overlapping ones.
    after_switch = [(SCOTIA, "13G", Decimal("45000000"), Decimal("10.50"), "0000009631-26-000100")]
    after_switch.append((ACTIVIST, "13D", Decimal("32671542"), Decimal("6.3"), "0002059583-26-000002"))
    assert holders(connection, date(2026, 5, 4)) == after_switch
    assert holders(connection, date(2026, 7, 1)) == after_switch[1:]  # Scotia's exit of 06/30 closed its chain
    connection.close()


def test_the_events_between_consecutive_statements_of_each_chain(tmp_path: Path):
    connection = warehouse(tmp_path, CHAIN)
    events = connection.sql(
        "select holder_cik, event_date, event from schedule13_events order by holder_cik, event_date, event"
    ).fetchall()
    assert events == [
        (SCOTIA, date(2025, 12, 31), "crossed_above_5"),
        (SCOTIA, date(2025, 12, 31), "new_holder"),
        (SCOTIA, date(2026, 3, 31), "crossed_above_10"),
        (SCOTIA, date(2026, 3, 31), "increase"),
        (SCOTIA, date(2026, 6, 30), "crossed_below_10"),
        (SCOTIA, date(2026, 6, 30), "crossed_below_5"),
        (SCOTIA, date(2026, 6, 30), "exit"),
        (ACTIVIST, date(2026, 1, 15), "crossed_above_5"),
        (ACTIVIST, date(2026, 1, 15), "new_holder"),
        (ACTIVIST, date(2026, 5, 4), "increase"),
        (ACTIVIST, date(2026, 5, 4), "switched_to_13d"),
    ]
    connection.close()


def test_a_statement_without_cover_figures_carries_the_last_ones_forward_flagged(tmp_path: Path):
    bare = re.sub(
        rb"<coverPageHeaderReportingPersonDetails>.*</coverPageHeaderReportingPersonDetails>", b"", G13, flags=re.S
    )
    bare = bare.replace(b"12/31/2025", b"02/15/2026").replace(
        b"<submissionType>SCHEDULE 13G<", b"<submissionType>SCHEDULE 13G/A<"
    )
    amendment = filed("0000009631-26-000050", "SCHEDULE 13G/A", bare, SCOTIA, datetime(2026, 2, 16, 9, 0))
    connection = warehouse(tmp_path, [CHAIN[0], amendment])
    [(amount, percent, carried)] = connection.sql(
        "select headline_amount, headline_percent, carried_forward from five_percent_holders_as_of(date '2026-03-01')"
    ).fetchall()
    assert (amount, percent, carried) == (Decimal("27383209"), Decimal("6.20"), True)
    connection.close()


def test_the_schedule13_rules_fire_once_each_and_read_as_shares(tmp_path: Path):
    """Scotia passing 10% and the activist turning from 13G to 13D fire; a new 13D holder fires new_13d; a merge
    again fires nothing twice, and the messages give shares and the cover page, not dollars."""
    from orchestration.alert_assets import merge_alerts
    from tests.test_sql_models import build_in_dependency_order
    from transforms.alert_messages import alert_text

    newcomer = filed("0009999999-26-000001", "SCHEDULE 13D", statement_13d("06/01/2026"), 1111111, datetime(2026, 6, 2))
    connection = warehouse(tmp_path, [*CHAIN, newcomer])
    build_in_dependency_order(connection)
    merge_alerts(connection, datetime(2026, 8, 1))
    merge_alerts(connection, datetime(2026, 8, 2))
    # A full merge of the Forms 3/4/5 screens answers for their alerts only: it withdraws no 13D/G alert.
    from orchestration import alert_assets
    from orchestration.sql_files import beside, run_sql_file

    for path in ("merge_alerts.sql", "apply_alert_firings.sql"):
        run_sql_file(connection, beside(alert_assets.__file__, path), now=datetime(2026, 8, 3), full=True)
    fired = connection.sql(
        "select rule, holder, accession_number, revision from "
        "(select rule, owner_group_key::bigint as holder, accession_number, revision from alerts) order by rule"
    ).fetchall()
    assert fired == [
        ("crossed_10_percent", SCOTIA, "0000009631-26-000100", 1),
        ("new_13d", 1111111, "0009999999-26-000001", 1),
        ("switched_to_13d", ACTIVIST, "0002059583-26-000002", 1),
    ]
    cursor = connection.execute("from alerts where rule = 'switched_to_13d'")
    switched = dict(zip([column[0] for column in cursor.description], cursor.fetchone(), strict=True))
    assert alert_text(switched).startswith("13G holder turned 13D: FILER 2059583 at TERAWULF INC., 32,671,542 shares")
    assert "[6.3% of Common Stock, par value $0.00001 per share (Schedule 13D)]" in alert_text(switched)
    assert alert_text(switched).endswith("cover page 3")  # Affinity Partners GP LP, the largest of the five
    revised = {**switched, "revision": 2, "previous_value": Decimal("30000000")}
    assert alert_text(revised).startswith("Revised (was 30,000,000 shares): 13G holder turned 13D")
    connection.close()


def test_a_holder_that_also_files_forms_345_on_the_issuer_is_linked(tmp_path: Path):
    """The activist also files a Form 4 on TERAWULF as a 10% owner (same CIK): its chain says so; Scotia's does not."""
    from tests.ownership_builder import Filing, Line

    form4 = Filing(
        "0002059583-26-000009",
        "4",
        datetime(2026, 5, 8, 16, 0),
        "2026-05-06",
        [ACTIVIST],
        [Line("Common Stock", "2026-05-06", "P", "1000", "34000000")],
        issuer=TERAWULF,
        director=False,
        ten_percent_owner=True,
    )
    connection = warehouse(tmp_path, [*CHAIN, (form4.accession, form4.raw())])
    linked = connection.sql("select distinct holder_cik, files_forms_345 from schedule13_chains order by 1").fetchall()
    assert linked == [(SCOTIA, False), (ACTIVIST, True)]
    connection.close()


def test_a_generated_two_year_history_gives_the_same_holders_whichever_order_its_days_load(tmp_path: Path):
    """200 generated statements (chains amended each quarter, exits, 13G holders turning 13D), loaded a day per
    transaction through the pipeline's load, in filing order, in reverse and shuffled: the chains, the holders on
    every quarter's end and the events are the same."""
    import random

    from bench.schedule13_generate import generate

    _, _, statements = generate(tmp_path / "mirror", 200, seed=5)
    by_day: dict[date, list[tuple[str, bytes]]] = {}
    for statement in statements:
        path = (
            tmp_path / "mirror" / "Archives" / "edgar" / "data" / str(statement.holder) / f"{statement.accession}.txt"
        )
        by_day.setdefault(statement.filed, []).append((statement.accession, path.read_bytes()))
    days = sorted(by_day)
    shuffled = days[:]
    random.Random(3).shuffle(shuffled)
    quarter_ends = [date(year, month, 1) - timedelta(days=1) for year in (2025, 2026) for month in (1, 4, 7, 10)]
    views = []
    for name, order in (("forward", days), ("reverse", days[::-1]), ("shuffled", shuffled)):
        connection = connect(tmp_path / f"{name}.duckdb")
        ensure_schema(connection)
        for day in order:
            frames, outcomes = normalize_kinds(by_day[day])
            assert all(isinstance(outcome, str) for outcome in outcomes)
            load_filings(connection, [accession for accession, _ in by_day[day]], frames, [], [], datetime(2026, 12, 1))
        chains = connection.sql("from schedule13_chains order by all").fetchall()
        events = connection.sql("from schedule13_events order by all").fetchall()
        holders = [
            connection.sql(
                "select issuer_cik, holder_cik, headline_amount from five_percent_holders_as_of($day) order by all",
                params={"day": day},
            ).fetchall()
            for day in quarter_ends
        ]
        views.append((chains, events, holders))
        connection.close()
    assert (
        len(views[0][0]) == 200
        and any(views[0][2])
        and {event for *_, event, _, _, _, _, _ in views[0][1]}
        >= {
            "new_holder",
            "exit",
            "switched_to_13d",
        }
    )
    assert views[0] == views[1] == views[2]
