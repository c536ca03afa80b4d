"""Alerts: each screen fires on filings built for it and not on their near misses, once; an amendment revises or
withdraws an alert instead of firing another; and what fired reaches a loopback webhook, even one that was down."""

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from orchestration import alert_assets, model_assets
from orchestration.alert_assets import merge_alerts
from orchestration.model_assets import calendar_frame
from orchestration.sql_files import beside, run_sql_file
from orchestration.warehouse_connection import connect, ensure_schema
from orchestration.warehouse_load import load_filings
from orchestration.warehouse_refresh import refresh_model
from tests.ownership_builder import Filing, Line
from tests.test_sql_models import build_in_dependency_order
from transforms.normalize import normalize_submission, to_frames

PURCHASES, SALES, FIRSTS, CLUSTER, NO_CLUSTER, LATE, OTHER = range(6000001, 6000008)
_serial = iter(range(1, 10_000))


def filing(issuer: int, owners: list[int], accepted: str, lines: list[Line], **relationship) -> Filing:
    when = datetime.fromisoformat(accepted)
    accession = f"0007777777-{when:%y}-{next(_serial):06d}"
    return Filing(accession, "4", when, lines[0].date, owners, lines, issuer=issuer, **relationship)


def restated(original: Filing, accepted: str, line: Line) -> Filing:
    """A 4/A restating `original` with `line`."""
    when = datetime.fromisoformat(accepted)
    accession = f"0007777777-{when:%y}-{next(_serial):06d}"
    return Filing(
        accession,
        "4/A",
        when,
        original.period,
        original.owners,
        [line],
        original_filed=original.accepted.date().isoformat(),
        issuer=original.issuer,
        director=original.director,
        officer_title=original.officer_title,
    )


def buy(day: str, shares: str, price: str) -> Line:
    return Line("0", date=day, code="P", shares=shares, price=price)


def sell(day: str, shares: str, price: str) -> Line:
    return Line("0", date=day, code="S", shares=shares, price=price, acquired="D")


# The warehouse's filings reach back to 2020-06-01: a purchase after 2022-06-01 is known to be a first in two years.
COVERAGE = filing(OTHER, [900], "2020-06-01 16:00", [Line("100", date=None)])
COVERAGE.period = "2020-06-01"
# Large purchases: $60,000 + $45,000 by a director; $200,000 by an officer who is not a director. Near misses:
# $99,990 by a director, $500,000 by a 10% owner who is neither.
LP_DIRECTOR = filing(
    PURCHASES, [101], "2024-03-05 16:00", [buy("2024-03-04", "600", "100"), buy("2024-03-04", "500", "90")]
)
LP_OFFICER = filing(
    PURCHASES, [102], "2024-03-05 16:00", [buy("2024-03-04", "2000", "100")], director=False, officer_title="COO"
)
LP_JUST_UNDER = filing(PURCHASES, [103], "2024-03-05 16:00", [buy("2024-03-04", "9999", "10")])
LP_TEN_PERCENT = filing(
    PURCHASES, [104], "2024-03-05 16:00", [buy("2024-03-04", "50000", "10")], director=False, ten_percent_owner=True
)
# CEO/CFO sales: exactly $1,000,000 by an "SVP/CFO"; $1,200,000 in three lines by a "Chairman, President and CEO".
# Near misses: $3,000,000 by a Chief Operating Officer, $999,900 by a CEO.
ES_CFO = filing(SALES, [201], "2024-03-05 16:00", [sell("2024-03-04", "10000", "100")], officer_title="SVP/CFO")
ES_CEO = filing(
    SALES,
    [202],
    "2024-03-05 16:00",
    [sell("2024-03-04", "4000", "100"), sell("2024-03-04", "4000", "101"), sell("2024-03-04", "4000", "99")],
    officer_title="Chairman, President and CEO",
)
ES_COO = filing(
    SALES, [203], "2024-03-05 16:00", [sell("2024-03-04", "30000", "100")], officer_title="Chief Operating Officer"
)
ES_JUST_UNDER = filing(SALES, [204], "2024-03-05 16:00", [sell("2024-03-04", "9999", "100")], officer_title="CEO")
# First purchases: group 301 buys in January 2021 (quiet unknown) and two years and a day later (fires); group 302
# buys in June 2022 (nothing before, and the warehouse reaches back two years: fires) and again within two years.
FP_UNKNOWN = filing(FIRSTS, [301], "2021-01-05 16:00", [buy("2021-01-04", "10", "10")])
FP_AFTER_QUIET = filing(FIRSTS, [301], "2023-01-06 16:00", [buy("2023-01-05", "10", "10")])
FP_FIRST_EVER = filing(FIRSTS, [302], "2022-06-13 16:00", [buy("2022-06-10", "10", "10")])
FP_TOO_SOON = filing(FIRSTS, [302], "2024-05-02 16:00", [buy("2024-05-01", "10", "10")])
# Clusters: three groups (one of them two co-filers) within 7 days, completed on 2024-03-10; a fourth buyer two days
# later is the same cluster; three more in June are a second. Near misses: the third buyer on the 8th day, and three
# purchases by two groups.
CL_FIRST = filing(CLUSTER, [401], "2024-03-05 16:00", [buy("2024-03-04", "100", "10")])
CL_SECOND = filing(CLUSTER, [402], "2024-03-07 16:00", [buy("2024-03-06", "100", "10")])
CL_COMPLETES = filing(CLUSTER, [403, 404], "2024-03-11 16:00", [buy("2024-03-10", "100", "10")])
CL_SAME_CLUSTER = filing(CLUSTER, [405], "2024-03-13 16:00", [buy("2024-03-12", "100", "10")])
CL_JUNE = [
    filing(CLUSTER, [406 + n], f"2024-06-0{4 + n} 16:00", [buy(f"2024-06-0{3 + n}", "100", "10")]) for n in range(3)
]
NC_EIGHTH_DAY = [
    filing(NO_CLUSTER, [411 + n], f"2024-03-{day + 1:02d} 16:00", [buy(f"2024-03-{day:02d}", "100", "10")])
    for n, day in enumerate((4, 6, 11))
]
NC_TWO_GROUPS = [
    filing(NO_CLUSTER, [owner], f"2024-08-{day + 1:02d} 16:00", [buy(f"2024-08-{day:02d}", "100", "10")])
    for owner, day in ((421, 5), (421, 6), (422, 7))
]
# Late trades: a $150,000 purchase on Monday 2024-04-01 filed Thursday (3 business days: late), the same filed
# Wednesday (on time); a $100 purchase filed late is not a trade the screens alert on.
LT_LATE = filing(LATE, [501], "2024-04-04 16:00", [buy("2024-04-01", "1500", "100")])
LT_ON_TIME = filing(LATE, [502], "2024-04-03 16:00", [buy("2024-04-01", "1500", "100")])
LT_SMALL = filing(LATE, [503], "2024-04-10 16:00", [buy("2024-04-01", "10", "10")])

HISTORY = [
    COVERAGE,
    *(LP_DIRECTOR, LP_OFFICER, LP_JUST_UNDER, LP_TEN_PERCENT),
    *(ES_CFO, ES_CEO, ES_COO, ES_JUST_UNDER),
    *(FP_UNKNOWN, FP_AFTER_QUIET, FP_FIRST_EVER, FP_TOO_SOON),
    *(CL_FIRST, CL_SECOND, CL_COMPLETES, CL_SAME_CLUSTER, *CL_JUNE, *NC_EIGHTH_DAY, *NC_TWO_GROUPS),
    *(LT_LATE, LT_ON_TIME, LT_SMALL),
]
# Every filing that is a group's first purchase of an issuer after 2022-06-01 with none in the two years before
# (the screens' other fixtures are all such first purchases, each by a new group).
FIRST_PURCHASES = [
    FP_AFTER_QUIET,
    FP_FIRST_EVER,
    LP_DIRECTOR,
    LP_OFFICER,
    LP_JUST_UNDER,
    LP_TEN_PERCENT,
    CL_FIRST,
    CL_SECOND,
    CL_COMPLETES,
    CL_SAME_CLUSTER,
    *CL_JUNE,
    *NC_EIGHTH_DAY,
    NC_TWO_GROUPS[0],
    NC_TWO_GROUPS[2],
    LT_LATE,
    LT_ON_TIME,
    LT_SMALL,
]
EXPECTED = {
    ("large_purchase", LP_DIRECTOR.accession),
    ("large_purchase", LP_OFFICER.accession),
    ("large_purchase", LT_LATE.accession),
    ("large_purchase", LT_ON_TIME.accession),
    ("executive_sale", ES_CFO.accession),
    ("executive_sale", ES_CEO.accession),
    ("cluster_buy", CL_COMPLETES.accession),
    ("cluster_buy", CL_JUNE[2].accession),
    # the large purchases' four groups bought on one day, the late trades' three: clusters too, completed by the
    # day's last-filed purchase (ties: the highest accession)
    ("cluster_buy", LP_TEN_PERCENT.accession),
    ("cluster_buy", LT_SMALL.accession),
    ("late_trade", LT_LATE.accession),
    *(("first_purchase", purchase.accession) for purchase in FIRST_PURCHASES),
}


def load(connection, filings: list[Filing], when: datetime) -> None:
    """Load, refresh the model for these filings, bring the SQL models up to date and merge the alerts, as a run
    does before it publishes."""
    run_sql_file(connection, "model_runtime/clear_model_scope.sql")
    parsed = [normalize_submission(f.accession, f.raw()) for f in filings]
    accessions = [f.accession for f in filings]
    load_filings(connection, accessions, to_frames(parsed), [], [], when)
    refresh_model(connection, accessions, calendar_frame(date(2025, 1, 1)))
    build_in_dependency_order(connection)
    merge_and_publish(connection, when)


def merge_and_publish(connection, when: datetime) -> None:
    merge_alerts(connection, when)
    run_sql_file(connection, beside(model_assets.__file__, "record_published.sql"), now=when)


def alert_rows(connection) -> dict[str, tuple]:
    found = connection.sql(
        "select alert_key, rule, accession_number, line_number, value, revision, previous_value, withdrawn_at is not "
        "null from alerts"
    ).fetchall()
    return {row[0]: row[1:] for row in found}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    connection = connect(tmp_path_factory.mktemp("alerts") / "warehouse.duckdb")
    ensure_schema(connection)
    load(connection, HISTORY, datetime(2026, 1, 1))
    yield connection
    connection.close()


def test_each_screen_fires_on_its_filings_and_not_on_the_near_misses(warehouse):
    fired = {(rule, accession) for rule, accession, *_ in alert_rows(warehouse).values()}
    assert fired == EXPECTED


def test_an_alert_names_the_filings_largest_line_and_the_sum_of_its_trades(warehouse):
    rows = {(rule, accession): (line, value) for rule, accession, line, value, *_ in alert_rows(warehouse).values()}
    assert rows["large_purchase", LP_DIRECTOR.accession] == (1, Decimal(600 * 100 + 500 * 90))
    assert rows["executive_sale", ES_CEO.accession] == (2, Decimal(4000 * (100 + 101 + 99)))
    assert rows["executive_sale", ES_CFO.accession] == (1, Decimal(1_000_000))
    # the cluster's value is what its three groups bought in the window: 3 x 100 shares at $10
    assert rows["cluster_buy", CL_COMPLETES.accession] == (1, Decimal(3 * 100 * 10))


def test_merging_again_fires_nothing_twice(warehouse):
    before = alert_rows(warehouse)
    merge_and_publish(warehouse, datetime(2026, 1, 1, 1))
    assert alert_rows(warehouse) == before
    assert {revision for _, _, _, _, revision, *_ in before.values()} == {1}


def test_a_night_merges_only_its_issuers_and_a_changed_screen_merges_every_issuer(tmp_path: Path):
    connection = connect(tmp_path / "warehouse.duckdb")
    ensure_schema(connection)
    try:
        load(connection, HISTORY, datetime(2026, 1, 1))
        before = alert_rows(connection)
        newcomer = filing(6000099, [999], "2024-09-03 16:00", [buy("2024-09-02", "2000", "100")])
        load(connection, [newcomer], datetime(2026, 1, 2))  # another issuer's night: theirs merged, the rest kept
        after = alert_rows(connection)
        assert {key: row for key, row in after.items() if key in before} == before  # none withdrawn or revised
        assert {(rule, accession) for rule, accession, *_ in after.values()} - EXPECTED == {
            ("large_purchase", newcomer.accession),
            ("first_purchase", newcomer.accession),
        }
        assert merge_alerts(connection, datetime(2026, 1, 3)) is False  # the same screens: the scope only
        # A screen whose parameters change is rebuilt in full: every issuer's alerts are merged again, and one the
        # screen no longer finds is withdrawn though its issuer filed nothing that night.
        build_in_dependency_order(connection, alert_large_purchases={"min_value": "150000"})
        assert merge_alerts(connection, datetime(2026, 1, 4)) is True
        withdrawn = {(rule, accession) for rule, accession, *_, gone in alert_rows(connection).values() if gone}
        assert ("large_purchase", LP_DIRECTOR.accession) in withdrawn  # $105,000, under the new threshold
        assert ("large_purchase", LP_OFFICER.accession) not in withdrawn  # $200,000
    finally:
        connection.close()


def test_an_amendment_revises_or_withdraws_its_alert_and_fires_no_second(tmp_path: Path):
    connection = connect(tmp_path / "warehouse.duckdb")
    ensure_schema(connection)
    load(connection, HISTORY, datetime(2026, 1, 1))
    before = alert_rows(connection)
    down = restated(LP_DIRECTOR, "2024-03-08 16:00", buy("2024-03-04", "700", "100"))  # $70,000: below the line
    up = restated(LT_LATE, "2024-04-08 16:00", buy("2024-04-01", "2000", "100"))  # $200,000: still late
    load(connection, [down, up], datetime(2026, 1, 2))
    after = alert_rows(connection)
    assert after.keys() == before.keys()
    changed = {key: row for key, row in after.items() if row != before[key]}
    assert changed == {
        f"large_purchase:{LP_DIRECTOR.accession}": (
            "large_purchase",
            LP_DIRECTOR.accession,
            1,
            Decimal(105_000),
            2,
            Decimal(105_000),
            True,
        ),
        f"first_purchase:{LP_DIRECTOR.accession}": (
            "first_purchase",
            down.accession,
            1,
            Decimal(70_000),
            2,
            Decimal(105_000),
            False,
        ),
        f"large_purchase:{LT_LATE.accession}": (
            "large_purchase",
            up.accession,
            1,
            Decimal(200_000),
            2,
            Decimal(150_000),
            False,
        ),
        f"late_trade:large_purchase:{LT_LATE.accession}": (
            "late_trade",
            up.accession,
            1,
            Decimal(200_000),
            2,
            Decimal(150_000),
            False,
        ),
        f"first_purchase:{LT_LATE.accession}": (
            "first_purchase",
            up.accession,
            1,
            Decimal(200_000),
            2,
            Decimal(150_000),
            False,
        ),
        # the clusters the restated purchases belong to: the same clusters, with their new value; the 4/A is the
        # last-filed purchase of the first, not of the second (LT_SMALL came later)
        f"cluster_buy:{PURCHASES}:2024-03-04": (
            "cluster_buy",
            down.accession,
            1,
            Decimal(70_000 + 200_000 + 99_990 + 500_000),
            2,
            Decimal(105_000 + 200_000 + 99_990 + 500_000),
            False,
        ),
        f"cluster_buy:{LATE}:2024-04-01": (
            "cluster_buy",
            LT_SMALL.accession,
            1,
            Decimal(200_000 + 150_000 + 100),
            2,
            Decimal(150_000 + 150_000 + 100),
            False,
        ),
    }
    [(unpublished,)] = connection.sql("select count(*) from alerts where revision_published_at is null").fetchall()
    assert unpublished == 0
    connection.close()


@dataclass
class Webhook:
    """A loopback webhook recording every JSON body posted to it."""

    url: str
    posts: list[dict] = field(default_factory=list)
    status: int = 200  # what it answers; a post answered otherwise is recorded all the same


@pytest.fixture
def webhook():
    hook = Webhook("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            hook.posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(hook.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hook.url = f"http://127.0.0.1:{server.server_port}/services/T0/B0/secret-token"
    yield hook
    server.shutdown()
    server.server_close()


def closed_port_url() -> str:
    """A loopback URL nothing listens on: a webhook down for the whole run."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/services/T0/B0/secret-token"


def serve(root: Path, filings: list[Filing]) -> None:
    for item in filings:
        target = root / "Archives" / "edgar" / "data" / str(item.issuer) / f"{item.accession}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.raw())


def test_alerts_reach_the_webhook_once_and_a_webhook_down_for_a_whole_run_loses_none(
    cli_data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    webhook: Webhook,
):
    """Run 1 (webhook down) publishes a large purchase and a CFO's sale and posts nothing; run 2 (webhook up) loads
    a 4/A raising the purchase and posts the sale and the purchase as it now stands (the webhook never had its first
    revision), once each; run 3, with only a near miss new, posts nothing. `insider-warehouse alerts` lists what was
    published."""
    from mirror.feed import FeedClock, MirroredFeed, held_filings
    from mirror.server import serve_in_background
    from orchestration import cli
    from tests.conftest import read_table
    from tests.test_watch import published, watch_once

    root = tmp_path / "mirror"
    purchase, sale, near_miss = LP_DIRECTOR, ES_CFO, LP_JUST_UNDER
    raised = restated(purchase, "2024-03-08 16:00", buy("2024-03-04", "2000", "100"))
    later_miss = filing(OTHER, [109], "2024-03-11 16:00", [buy("2024-03-08", "10", "10")])
    serve(root, [purchase, sale, near_miss, raised, later_miss])
    monkeypatch.setenv("INSIDER_ALERT_ATTEMPTS", "2")
    monkeypatch.setenv("INSIDER_ALERT_BACKOFF_SECONDS", "0.01")
    clock = FeedClock(datetime(2024, 3, 5, 17, 0), speed=0.0)
    with serve_in_background([root], feed=MirroredFeed(held_filings([root]), clock)) as mirror:
        monkeypatch.setenv("INSIDER_ALERT_WEBHOOK", closed_port_url())
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
        fired = published(cli_data_dir, "select rule, accession_number, value from alerts order by rule")
        assert fired == [
            ("executive_sale", sale.accession, Decimal(1_000_000)),
            ("large_purchase", purchase.accession, Decimal(105_000)),
        ]
        failed = read_table(
            cli_data_dir, "select attempts, delivered_at, status, last_error from alert_deliveries order by 1 desc"
        )
        # One alert's two attempts; the webhook is then taken to be down, and the other is recorded as not tried.
        assert [row[:3] for row in failed] == [(2, None, "failed"), (0, None, "failed")]
        assert all("secret-token" not in row[3] for row in failed)

        monkeypatch.setenv("INSIDER_ALERT_WEBHOOK", webhook.url)
        clock.advance_to(datetime(2024, 3, 8, 17, 0))
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
        texts = sorted(post["text"] for post in webhook.posts)
        assert len(texts) == 2
        assert texts[0].startswith("CEO/CFO sale: Owner 201 at Hand Built Corp (HBC), $1,000,000 [SVP/CFO]")
        # The webhook never had the purchase's first revision: it gets the alert as it stands, not "Revised (was …)".
        assert texts[1].startswith("Large insider purchase: Owner 101 at Hand Built Corp (HBC), $200,000")
        assert f"filing {raised.accession} line 1" in texts[1]
        values = sorted(post["alert"]["value"] for post in webhook.posts)
        assert values == ["1000000.000000", "200000.000000"]

        clock.advance_to(datetime(2024, 3, 11, 17, 0))
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
        assert len(webhook.posts) == 2
        delivered = read_table(cli_data_dir, "select count(*) from alert_deliveries where delivered_at is not null")
        assert delivered == [(2,)]

    capsys.readouterr()
    assert cli.main(["alerts", "--since", "1h", "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted((alert["rule"], alert["revision"]) for alert in listed) == [
        ("executive_sale", 1),
        ("large_purchase", 2),
    ]
    assert cli.main(["alerts", "--since", "1h"]) == 0
    assert "2 alert(s) published in the last 1 h" in capsys.readouterr().out


def filed_open_market_trades(raw: bytes, code: str) -> tuple[set[str], Decimal] | None:
    """From a submission's XML alone (lxml, not the project's parser): the owners' relationships and officer titles,
    and the sum of shares x price of its non-derivative lines of `code`; None when it has none priced."""
    from lxml import etree

    document = etree.fromstring(raw[raw.find(b"<XML>") + 5 : raw.find(b"</XML>")].strip())
    total, found = Decimal(0), False
    for line in document.iter("nonDerivativeTransaction"):
        shares = line.findtext("transactionAmounts/transactionShares/value")
        price = line.findtext("transactionAmounts/transactionPricePerShare/value")
        if line.findtext("transactionCoding/transactionCode") == code and shares and price:
            total += Decimal(shares.strip()) * Decimal(price.strip())
            found = True
    roles = set()
    for relationship in document.iter("reportingOwnerRelationship"):
        for role in ("isDirector", "isOfficer"):
            if (relationship.findtext(role) or "").strip().lower() in ("1", "true"):
                roles.add(role)
        roles.add(f"title:{(relationship.findtext('officerTitle') or '').strip()}")
    return (roles, total) if found else None


def test_on_the_real_filings_the_purchase_and_sale_screens_agree_with_the_xml(tmp_path: Path):
    """Every real filing's open-market purchases by a director or officer, summed from its XML, against the
    purchase screen with no minimum; the real sellers with officer titles are a Chief Legal Officer and a "Senior VP,
    GC, CAO & Secretary": neither is a CEO or CFO, so the sale screen with no minimum finds nothing."""
    from tests.conftest import PROJECT_ROOT
    from tests.real_corpus import build_real_warehouse, real_submissions

    corpus = PROJECT_ROOT / "fixtures" / "edgar-real"
    connection = build_real_warehouse(tmp_path / "warehouse.duckdb", corpus)
    no_minimum = {"min_value": 0}
    build_in_dependency_order(connection, alert_large_purchases=no_minimum, alert_executive_sales=no_minimum)
    expected, sellers = {}, set()
    for accession, raw in real_submissions(corpus):
        bought, sold = filed_open_market_trades(raw, "P"), filed_open_market_trades(raw, "S")
        if bought and bought[0] & {"isDirector", "isOfficer"} and bought[1] > 0:
            expected[accession] = bought[1]
        if sold:
            sellers |= {role for role in sold[0] if role.startswith("title:") and role != "title:"}
    screened = dict(connection.sql("select accession_number, value from alert_large_purchases").fetchall())
    assert screened == expected and len(expected) == 5
    assert sellers == {"title:Chief Legal Officer", "title:Senior VP, GC, CAO & Secretary"}
    assert connection.sql("select count(*) from alert_executive_sales").fetchall() == [(0,)]
    connection.close()


def test_every_screen_is_merged_under_a_rule_the_messages_name():
    from orchestration.alert_assets import SCREENS
    from orchestration.sql_files import read_sql
    from transforms.alert_messages import RULE_HEADLINES

    merged = dict(
        re.findall(
            r"select '(\w+)' as rule, \* from (\w+)", read_sql(beside(alert_assets.__file__, "merge_alerts.sql"))
        )
    )
    assert sorted(merged.values()) == sorted(SCREENS) and len(SCREENS) == 5
    assert {f"alert_{rule}s" for rule in merged} == set(SCREENS)
    schedule13_rules = set(re.findall(r"'(\w+)' as rule", read_sql("views/schedule13_firings.sql")))
    schedule13_rules.add("crossed_10_percent")  # the crossing rule's name at its default of 10%
    schedule13_rules.discard("_percent")
    assert merged.keys() | schedule13_rules == RULE_HEADLINES.keys()


def test_a_webhook_setting_that_is_not_a_url_is_refused_without_echoing_it(cli_data_dir: Path, capsys):
    import os

    from orchestration import cli

    os.environ["INSIDER_ALERT_WEBHOOK"] = "hooks.slack.com/services/T0/B0/secret-token"
    try:
        assert cli.main(["summary"]) == 2
    finally:
        del os.environ["INSIDER_ALERT_WEBHOOK"]
    error = capsys.readouterr().err
    assert "INSIDER_ALERT_WEBHOOK must be an http(s) URL" in error and "secret-token" not in error


def alert_watch(data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys, base_url: str) -> tuple[str, str]:
    """`watch --once`; what it printed (stdout, stderr)."""
    from tests.test_watch import watch_once

    capsys.readouterr()
    assert watch_once(data_dir, monkeypatch, base_url) == 0
    captured = capsys.readouterr()
    return captured.out, captured.err


def deliveries(data_dir: Path) -> list[tuple]:
    from tests.conftest import read_table

    return read_table(data_dir, "select alert_key, status, attempts, last_error from alert_deliveries order by 1")


@pytest.fixture
def two_alerts(tmp_path: Path):
    """A mirror whose feed lists, by 2024-03-05 17:00, a director's large purchase and a CFO's sale (two alerts),
    and on 2024-03-11 a small purchase elsewhere: the newest filing, six days after the alerts'."""
    from mirror.feed import FeedClock, MirroredFeed, held_filings
    from mirror.server import serve_in_background

    root = tmp_path / "mirror"
    later = filing(OTHER, [109], "2024-03-11 16:00", [buy("2024-03-08", "10", "10")])
    serve(root, [LP_DIRECTOR, ES_CFO, later])
    clock = FeedClock(datetime(2024, 3, 5, 17, 0), speed=0.0)
    with serve_in_background([root], feed=MirroredFeed(held_filings([root]), clock)) as mirror:
        yield mirror, clock


def test_alerts_left_by_an_outage_are_posted_by_a_quiet_poll_and_whatever_their_age(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys, webhook: Webhook, two_alerts
):
    """The webhook is down for the run that publishes two alerts: one is tried, the other recorded as not tried.
    A poll that finds nothing new posts both once the webhook is back; and alerts failed by an outage are posted even
    when the next filing is days newer than the maximum age (which keeps history loads from posting)."""
    mirror, clock = two_alerts
    monkeypatch.setenv("INSIDER_ALERT_ATTEMPTS", "2")
    monkeypatch.setenv("INSIDER_ALERT_BACKOFF_SECONDS", "0.01")
    monkeypatch.setenv("INSIDER_ALERT_WEBHOOK", closed_port_url())
    _, err = alert_watch(cli_data_dir, monkeypatch, capsys, mirror.base_url)
    assert "2 alert(s) not delivered" in err
    assert [(status, attempts) for _, status, attempts, _ in deliveries(cli_data_dir)] == [("failed", 2), ("failed", 0)]

    monkeypatch.setenv("INSIDER_ALERT_WEBHOOK", webhook.url)
    clock.advance_to(datetime(2024, 3, 11, 17, 0))  # the newest filing is now six days after the alerts'
    alert_watch(cli_data_dir, monkeypatch, capsys, mirror.base_url)
    assert sorted(post["alert"]["rule"] for post in webhook.posts) == ["executive_sale", "large_purchase"]
    assert {status for _, status, _, _ in deliveries(cli_data_dir)} == {"delivered"}


def test_a_quiet_feed_still_posts_what_an_outage_left(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys, webhook: Webhook, two_alerts
):
    mirror, _ = two_alerts
    monkeypatch.setenv("INSIDER_ALERT_ATTEMPTS", "1")
    monkeypatch.setenv("INSIDER_ALERT_WEBHOOK", closed_port_url())
    alert_watch(cli_data_dir, monkeypatch, capsys, mirror.base_url)
    assert webhook.posts == []
    monkeypatch.setenv("INSIDER_ALERT_WEBHOOK", webhook.url)
    out, _ = alert_watch(cli_data_dir, monkeypatch, capsys, mirror.base_url)  # the clock did not move: nothing new
    assert "nothing new in the feed" in out and "posted 2 alert(s) that were waiting" in out
    assert len(webhook.posts) == 2


def test_a_webhook_refusing_an_alert_is_not_posted_again_until_asked(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys, webhook: Webhook, two_alerts
):
    """A 400 says the payload will not be taken: recorded as refused, said in one line with how to retry, and not
    posted again by later polls; `alerts --retry-refused` queues it, and the next poll posts it."""
    from orchestration import cli

    mirror, _ = two_alerts
    monkeypatch.setenv("INSIDER_ALERT_WEBHOOK", webhook.url)
    webhook.status = 400
    _, err = alert_watch(cli_data_dir, monkeypatch, capsys, mirror.base_url)
    assert "2 alert(s) refused by the webhook" in err and "--retry-refused" in err
    assert len(webhook.posts) == 2 and {row[1] for row in deliveries(cli_data_dir)} == {"refused"}
    alert_watch(cli_data_dir, monkeypatch, capsys, mirror.base_url)
    assert len(webhook.posts) == 2  # refused ones are not posted again by themselves

    webhook.status = 200
    assert cli.main(["alerts", "--retry-refused"]) == 0
    assert "2 refused alert(s) queued" in capsys.readouterr().out
    alert_watch(cli_data_dir, monkeypatch, capsys, mirror.base_url)
    assert len(webhook.posts) == 4 and {row[1] for row in deliveries(cli_data_dir)} == {"delivered"}


def test_alerts_too_old_to_post_are_recorded_as_skipped_with_the_reason(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys, webhook: Webhook, two_alerts
):
    """Alerts published while no webhook was set, six days older than the newest filing when one is: not posted,
    each recorded as skipped with why, and said in one line."""
    mirror, clock = two_alerts
    alert_watch(cli_data_dir, monkeypatch, capsys, mirror.base_url)
    monkeypatch.setenv("INSIDER_ALERT_WEBHOOK", webhook.url)
    clock.advance_to(datetime(2024, 3, 11, 17, 0))
    _, err = alert_watch(cli_data_dir, monkeypatch, capsys, mirror.base_url)
    assert webhook.posts == []
    assert "2 alert(s) on filings more than 3 days before the newest were not posted" in err
    rows = deliveries(cli_data_dir)
    assert [status for _, status, _, _ in rows] == ["skipped", "skipped"]
    assert all("INSIDER_ALERT_MAX_AGE_DAYS" in reason and "2024-03-05" in reason for _, _, _, reason in rows)


def test_the_alert_age_and_attempts_have_bounds_of_their_own():
    """The maximum age is days (up to a year), not a worker count: 300 is taken, 999 refused naming its range."""
    from orchestration.resources import resources_for
    from orchestration.settings import SettingError, read_settings

    hook = {"INSIDER_ALERT_WEBHOOK": "https://hooks.example.invalid/services/T/B/x"}
    settings = read_settings({**hook, "INSIDER_ALERT_MAX_AGE_DAYS": "300"})
    assert settings.alert_webhook.max_age_days == 300
    assert resources_for(settings)["alerts"].webhook() == settings.alert_webhook
    with pytest.raises(SettingError, match=r"INSIDER_ALERT_MAX_AGE_DAYS='999' must be between 1 and 366"):
        read_settings({**hook, "INSIDER_ALERT_MAX_AGE_DAYS": "999"})
    with pytest.raises(SettingError, match=r"INSIDER_ALERT_ATTEMPTS='50' must be between 1 and 20"):
        read_settings({**hook, "INSIDER_ALERT_ATTEMPTS": "50"})
