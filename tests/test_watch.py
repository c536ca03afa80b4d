"""Minutes, not a day: the latest-filings feed polled, its filings loaded and published, by `insider-warehouse
watch` and by the `current_filings` sensor, over a loopback mirror serving the feed of the fixture mirror's filings
on a clock the test moves."""

import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from mirror.feed import FeedClock, MirroredFeed, held_filings
from mirror.server import serve_in_background
from tests.conftest import FIXTURE_MIRROR, TEST_USER_AGENT, read_table

NOON_JAN_6 = datetime(2025, 1, 6, 12, 0)
EVENING_JAN_8 = datetime(2025, 1, 8, 18, 0)
# The fixture mirror's filing whose XML is damaged: listed in the feed, recorded as a parse failure, never loaded.
NEVER_PARSES = "0009999999-25-000008"


def accepted_by(moment: datetime) -> set[str]:
    """The fixture filings EDGAR had accepted by `moment`, from their headers (read with a pattern, not the
    project's parser), that are whole ownership filings the mirror serves."""
    found = set()
    for path in (FIXTURE_MIRROR / "Archives" / "edgar" / "data").glob("*/*.txt"):
        raw = path.read_bytes()
        stamp = re.search(rb"<ACCEPTANCE-DATETIME>(\d{14})", raw)
        if stamp and datetime.strptime(stamp.group(1).decode(), "%Y%m%d%H%M%S") <= moment:
            found.add(path.stem)
    return found


def watch_once(cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, base_url: str) -> int:
    from orchestration import cli

    monkeypatch.setenv("EDGAR_BASE_URL", base_url)
    monkeypatch.setenv("EDGAR_REQUESTS_PER_SECOND", "500")
    return cli.main(["watch", "--once"])


def published(data_dir: Path, sql: str) -> list[tuple]:
    connection = duckdb.connect(str(data_dir / "published" / "warehouse.duckdb"), read_only=True)
    try:
        return connection.sql(sql).fetchall()
    finally:
        connection.close()


def test_watch_once_loads_what_the_feed_lists_publishes_and_a_second_poll_fetches_nothing(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], feed_mirror
):
    mirror, clock = feed_mirror
    loadable = accepted_by(NOON_JAN_6) - {NEVER_PARSES}
    assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
    loaded = {row[0] for row in published(cli_data_dir, "select accession_number from filings")}
    assert loaded == loadable
    latency = published(cli_data_dir, "select count(*), count(published_at), count(loaded_at) from filing_latency")
    assert latency == [(len(accepted_by(NOON_JAN_6)), len(loadable), len(loadable))]
    mirror.seen.clear()
    assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
    assert [seen.path for seen in mirror.seen] == ["/cgi-bin/browse-edgar"]  # one page, no submission fetched
    assert "nothing new in the feed" in capsys.readouterr().out

    clock.advance_to(EVENING_JAN_8)  # the next filings are accepted: the next poll loads them and nothing twice
    assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
    rows = published(cli_data_dir, "select accession_number, count(*) from filings group by 1")
    assert {accession for accession, _ in rows} == accepted_by(EVENING_JAN_8) - {NEVER_PARSES}
    assert {copies for _, copies in rows} == {1}
    sources = published(cli_data_dir, "select distinct source from filing_sources")
    assert sources == [("filing",)]
    from orchestration import cli

    capsys.readouterr()
    assert cli.main(["runs"]) == 0  # each feed run says how many filings it was started for
    listed = capsys.readouterr().out
    assert f"{len(accepted_by(NOON_JAN_6))} filing(s) from the feed" in listed
    assert f"{len(accepted_by(EVENING_JAN_8) - accepted_by(NOON_JAN_6))} filing(s) from the feed" in listed


def test_a_watch_killed_mid_run_is_completed_by_the_next_poll_and_loads_nothing_twice(cli_data_dir: Path, feed_mirror):
    from bench.crash_loop import run_and_kill
    from tests.test_messages import cli_env

    mirror, _ = feed_mirror
    env = cli_env(cli_data_dir, EDGAR_BASE_URL=mirror.base_url, EDGAR_REQUESTS_PER_SECOND="500")
    command = [sys.executable, "-m", "orchestration.cli", "watch", "--once"]
    for delay in (2.5, 3.5, 4.5):  # through start-up, the poll, the load, the refresh and the publish
        run_and_kill(command, env, delay)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    loadable = accepted_by(NOON_JAN_6) - {NEVER_PARSES}
    rows = read_table(cli_data_dir, "select accession_number, count(*) from filings group by 1")
    assert {accession for accession, _ in rows} == loadable and {copies for _, copies in rows} == {1}
    [(polls,)] = read_table(cli_data_dir, "select count(*) from feed_polls")
    assert polls >= 1


def test_the_feed_asset_materialized_without_a_poll_leaves_the_cursor_where_it_was(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, feed_mirror
):
    from orchestration.resources import EdgarResource, StorageResource
    from orchestration.sources.current_feed.assets import feed_filings
    from orchestration.sources.current_feed.poll import warehouse_cursor

    mirror, _ = feed_mirror
    assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
    warehouse = cli_data_dir / "warehouse.duckdb"
    cursor = warehouse_cursor(warehouse)
    polls = read_table(cli_data_dir, "select * from feed_polls")
    assert cursor.accepted_at is not None
    resources = {  # as "Materialize" in the UI runs it: no poll behind it, only the retries of earlier ones
        "storage": StorageResource(data_dir=str(cli_data_dir)),
        "edgar": EdgarResource(user_agent=TEST_USER_AGENT, base_url=mirror.base_url, requests_per_second=500),
    }
    assert dg.materialize([feed_filings], resources=resources).success
    assert read_table(cli_data_dir, "select * from feed_polls") == polls
    assert warehouse_cursor(warehouse) == cursor


def test_the_sensor_requests_one_run_keyed_by_the_new_filings_then_skips_until_more_come(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, feed_mirror
):
    from orchestration.resources import AlertsResource, EdgarResource, StorageResource
    from orchestration.sources.current_feed.sensor import current_filings

    mirror, clock = feed_mirror
    resources = {
        "storage": StorageResource(data_dir=str(tmp_path / "data")),
        "edgar": EdgarResource(
            user_agent=TEST_USER_AGENT,
            base_url=mirror.base_url,
            requests_per_second=500,
            feed_interval_seconds=0.001,
        ),
        "alerts": AlertsResource(),
    }
    with dg.build_sensor_context(resources=resources) as context:
        first = current_filings(context)
        assert isinstance(first, dg.RunRequest)
        requested = {f["accession_number"] for f in first.run_config["ops"]["feed_filings"]["config"]["filings"]}
        assert requested == accepted_by(NOON_JAN_6)
        second = current_filings(context)
        assert isinstance(second, dg.SkipReason)
        clock.advance_to(EVENING_JAN_8)
        third = current_filings(context)
    assert isinstance(third, dg.RunRequest) and third.run_key != first.run_key
    later = {f["accession_number"] for f in third.run_config["ops"]["feed_filings"]["config"]["filings"]}
    assert later == accepted_by(EVENING_JAN_8) - accepted_by(NOON_JAN_6)


def test_the_sensor_is_defined_stopped_and_polls_once_a_minute_by_default():
    from orchestration.definitions import defs
    from orchestration.resources import EdgarResource, resources_for
    from orchestration.settings import read_settings

    [sensor] = [sensor for sensor in defs.sensors or [] if sensor.name == "current_filings"]
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert sensor.job_name == "load_current_filings"
    assert EdgarResource().feed_interval_seconds == 60.0
    assert resources_for(read_settings({})).keys() == defs.resources.keys()
    every_minute = read_settings({"INSIDER_FEED_INTERVAL_SECONDS": "600"})
    assert resources_for(every_minute)["edgar"].feed_interval_seconds == 600.0


def test_filings_accepted_today_show_their_latency_in_the_summary(
    cli_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """Two Form 4s accepted minutes ago in New York (today's minutes: just after midnight, seconds ago), served with
    the feed on the wall clock: after `watch --once` the summary gives today's count and the median and worst time
    from acceptance to the read copy."""
    from zoneinfo import ZoneInfo

    from orchestration import cli
    from tests.ownership_builder import Filing, Line

    now_new_york = datetime.now(ZoneInfo("America/New_York")).replace(tzinfo=None, microsecond=0)
    since_midnight = now_new_york - datetime.combine(now_new_york.date(), datetime.min.time())
    root = tmp_path / "mirror"
    for number, minutes_ago in enumerate((7, 3), start=1):
        accession = f"0009999998-26-{number:06d}"
        ago = min(timedelta(minutes=minutes_ago), since_midnight * minutes_ago / 10)  # accepted today, in New York
        filing = Filing(
            accession,
            "4",
            now_new_york - ago,
            now_new_york.date().isoformat(),
            [9990201],
            [Line("1000", date=now_new_york.date().isoformat(), code="P", shares="1000")],
        )
        target = root / "Archives" / "edgar" / "data" / str(filing.issuer) / f"{accession}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(filing.raw())
    clock = FeedClock(now_new_york, speed=1.0)
    with serve_in_background([root], feed=MirroredFeed(held_filings([root]), clock)) as mirror:
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
    capsys.readouterr()
    assert cli.main(["summary"]) == 0
    printed = capsys.readouterr().out
    section = printed.split("feed latency today (acceptance to read copy):")[1]
    assert re.search(r"│ 2\s+┆ (\d+ min )?\d+ s\s+┆ (\d+ min )?\d+ s", section), section


def test_the_nightly_after_the_feed_loads_what_the_feed_missed_and_leaves_what_it_loaded(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    """The feed loads the filings accepted by noon of the 3rd; the nightly for the 2nd to the 6th then loads the
    rest of those days from the daily indexes and does not parse or load the feed's filings again."""
    from orchestration import cli

    clock = FeedClock(datetime(2025, 1, 3, 12, 0), speed=0.0)
    feed = MirroredFeed(held_filings([FIXTURE_MIRROR]), clock)
    with serve_in_background([FIXTURE_MIRROR], feed=feed) as mirror:
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
        from_feed = (
            "select accession_number, loaded_at from filing_sources "
            "where accession_number in (select accession_number from filing_latency) order by 1"
        )
        before = published(cli_data_dir, from_feed)
        assert {accession for accession, _ in before} == accepted_by(datetime(2025, 1, 3, 12, 0))
        assert cli.main(["ingest", "--start", "2025-01-02", "--end", "2025-01-06"]) == 0
    assert published(cli_data_dir, from_feed) == before
    listed = {row[0] for row in published(cli_data_dir, "select accession_number from index_entries")}
    loaded = {row[0] for row in published(cli_data_dir, "select accession_number from filings")}
    failed = {
        row[0] for row in published(cli_data_dir, "select subject from ingest_failures where resolved_at is null")
    }
    assert listed - loaded <= failed and len(loaded) > len(before)


def test_feed_faults_lose_no_filing_and_load_none_twice(cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """The feed answers 503 first, lists every entry twice, serves one stale page, and lists filings an hour before
    EDGAR's Archives serve them: each poll loads what it can, a filing that was not served yet is fetched again by a
    later feed run, and in the end every filing is loaded once."""
    from mirror.feed import FeedFaults
    from mirror.server import FaultPlan

    faults = FeedFaults(duplicate_entries=True, archive_lag_seconds=3600)
    clock = FeedClock(datetime(2025, 1, 6, 10, 0), speed=0.0)
    plan = FaultPlan(statuses={"/cgi-bin/browse-edgar": [503]}, retry_after="0")
    feed = MirroredFeed(held_filings([FIXTURE_MIRROR]), clock, faults)
    with serve_in_background([FIXTURE_MIRROR], faults=plan, feed=feed) as mirror:

        def loaded() -> list[tuple]:
            return published(cli_data_dir, "select accession_number, count(*) from filings group by 1 order by 1")

        served_by = {  # accepted by the clock, and an hour before it (the Archives' lag)
            moment: accepted_by(moment - timedelta(hours=1)) - {NEVER_PARSES}
            for moment in (datetime(2025, 1, 6, 10, 0), datetime(2025, 1, 7, 17, 30), datetime(2025, 1, 8, 18, 0))
        }
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
        assert {row[0] for row in loaded()} == served_by[datetime(2025, 1, 6, 10, 0)]
        assert accepted_by(datetime(2025, 1, 6, 10, 0)) - served_by[datetime(2025, 1, 6, 10, 0)] - {NEVER_PARSES}

        clock.advance_to(datetime(2025, 1, 7, 17, 30))
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
        assert {row[0] for row in loaded()} == served_by[datetime(2025, 1, 7, 17, 30)]

        clock.advance_to(datetime(2025, 1, 8, 18, 0))
        faults.stale_pages, faults.stale_seconds = 1, 2 * 86400.0  # a cache two days behind: nothing new in it
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
        assert {row[0] for row in loaded()} == served_by[datetime(2025, 1, 7, 17, 30)]
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
    rows = loaded()
    assert {row[0] for row in rows} == served_by[datetime(2025, 1, 8, 18, 0)]
    assert {copies for _, copies in rows} == {1}
