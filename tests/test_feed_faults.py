"""The feed under faults: a read copy never left stale by a stopped run, a feed that is down never taken for a gap,
a page that is not the feed never a traceback, a stalled feed never holding a poll past its deadline, a damaged
writer never written to. Each case as `insider-warehouse watch` meets it over a loopback mirror whose feed
misbehaves (mirror/feed.py FeedFaults, mirror/server.py FaultPlan)."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from mirror.feed import FeedClock, FeedFaults, MirroredFeed, held_filings
from mirror.server import FaultPlan, serve_in_background
from tests.conftest import FIXTURE_MIRROR, TEST_USER_AGENT, read_table
from tests.test_watch import EVENING_JAN_8, NEVER_PARSES, NOON_JAN_6, accepted_by, published, watch_once
from transforms.current_feed import NOT_THE_FEED_READS

FEED_PATH = "/cgi-bin/browse-edgar"


def resources(data_dir: Path, base_url: str) -> dict:
    from orchestration.resources import AlertsResource, EdgarResource, StorageResource

    return {
        "storage": StorageResource(data_dir=str(data_dir)),
        "edgar": EdgarResource(user_agent=TEST_USER_AGENT, base_url=base_url, requests_per_second=500),
        "alerts": AlertsResource(),
    }


def load_without_publishing(data_dir: Path, base_url: str) -> None:
    """What a run killed after its load leaves: the feed asset alone loads a poll's filings and records the cursor,
    and nothing refreshes or publishes them."""
    from orchestration.sources.current_feed.assets import feed_filings
    from orchestration.sources.current_feed.poll import FEED_ASSET, poll, run_config
    from transforms.current_feed import FeedCursor

    given = resources(data_dir, base_url)
    found, polled_at = poll(given["edgar"].client(given["storage"]), FeedCursor())
    config = {"ops": {FEED_ASSET: {"config": run_config(found, polled_at)}}}
    assert dg.materialize([feed_filings], resources=given, run_config=config).success


def test_a_run_stopped_after_its_load_is_published_by_the_next_poll_and_by_the_sensor(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], feed_mirror
):
    """Case 1: the load and the cursor committed, the refresh and publish never ran. The next `watch --once` finds
    nothing new in the feed, and still finishes the work and publishes it; so does the sensor's next tick."""
    from orchestration.sources.current_feed.poll import FINISH_RUN_CONFIG, warehouse_cursor
    from orchestration.sources.current_feed.sensor import current_filings

    mirror, _ = feed_mirror
    load_without_publishing(cli_data_dir, mirror.base_url)
    loadable = accepted_by(NOON_JAN_6) - {NEVER_PARSES}
    assert {row[0] for row in read_table(cli_data_dir, "select accession_number from filings")} == loadable
    assert not (cli_data_dir / "published" / "warehouse.duckdb").exists()

    cursor = warehouse_cursor(cli_data_dir / "warehouse.duckdb")
    state = {"accepted_at": cursor.accepted_at.isoformat(), "accessions": sorted(cursor.accessions), "polled": 0}
    monkeypatch.setenv("INSIDER_FEED_INTERVAL_SECONDS", "0.001")
    with dg.build_sensor_context(resources=resources(cli_data_dir, mirror.base_url), cursor=json.dumps(state)) as tick:
        request = current_filings(tick)
    assert isinstance(request, dg.RunRequest) and request.run_config == {"ops": FINISH_RUN_CONFIG}

    capsys.readouterr()
    assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
    printed = capsys.readouterr().out
    assert "finished what a stopped run left unpublished" in printed and "nothing new in the feed" in printed
    rows = published(cli_data_dir, "select accession_number, count(*) from filings group by 1")
    assert {accession for accession, _ in rows} == loadable and {copies for _, copies in rows} == {1}
    assert published(
        cli_data_dir, "select count(*) from filing_latency where published_at is null and loaded_at is not null"
    ) == [(0,)]


def test_the_nightly_publishes_what_a_stopped_feed_run_loaded(cli_data_dir: Path, monkeypatch, feed_mirror):
    from orchestration import cli

    mirror, _ = feed_mirror
    load_without_publishing(cli_data_dir, mirror.base_url)
    monkeypatch.setenv("EDGAR_BASE_URL", mirror.base_url)
    monkeypatch.setenv("EDGAR_REQUESTS_PER_SECOND", "500")
    assert cli.main(["ingest", "--start", "2025-01-10", "--end", "2025-01-10"]) == 0
    held = {row[0] for row in published(cli_data_dir, "select accession_number from filings")}
    assert accepted_by(NOON_JAN_6) - {NEVER_PARSES} <= held


def failing_watch(data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys, base_url: str) -> tuple[int, str, str]:
    from orchestration import cli

    monkeypatch.setenv("EDGAR_BASE_URL", base_url)
    monkeypatch.setenv("EDGAR_REQUESTS_PER_SECOND", "500")
    capsys.readouterr()
    status = cli.main(["watch", "--once"])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_failed_poll_changed_nothing(data_dir: Path, err: str, polls_before: list[tuple], cursor_before) -> None:
    """One line, no traceback; a failed poll recorded; the cursor, the read copy and every earlier poll as they were
    (no gap, no run)."""
    from orchestration.sources.current_feed.poll import warehouse_cursor

    assert "the feed could not be read" in err and "Traceback" not in err, err
    assert len([line for line in err.splitlines() if line.strip()]) == 1, err
    polls = read_table(data_dir, "select polled_at, cursor_accepted_at, gap_since, failure from feed_polls order by 1")
    assert polls[: len(polls_before)] == polls_before and len(polls) == len(polls_before) + 1
    assert polls[-1][1] is None and polls[-1][2] is None and polls[-1][3]
    assert not any(gap for _, _, gap, _ in polls)
    assert warehouse_cursor(data_dir / "warehouse.duckdb") == cursor_before


@pytest.mark.parametrize("status", [503, 500, 403, 404])
def test_a_feed_answering_an_error_is_a_failed_poll_not_a_gap(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys, status: int
):
    """Case 2: the feed's first page answers an error (retries spent, or refused outright). `watch --once` says so
    in one line and exits 1; nothing else changes: no gap, no run, the cursor where it was."""
    from orchestration.sources.current_feed.poll import warehouse_cursor

    monkeypatch.setattr("orchestration.sources.current_feed.poll.POLL_DEADLINE_FLOOR_SECONDS", 3.0)
    monkeypatch.setattr("orchestration.sources.current_feed.poll.POLL_DEADLINE_SHARE", 0.05)  # 3 s for --once
    clock = FeedClock(NOON_JAN_6, speed=0.0)
    plan = FaultPlan(retry_after="0")
    with serve_in_background(
        [FIXTURE_MIRROR], faults=plan, feed=MirroredFeed(held_filings([FIXTURE_MIRROR]), clock)
    ) as mirror:
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
        polls_before = read_table(
            cli_data_dir, "select polled_at, cursor_accepted_at, gap_since, failure from feed_polls"
        )
        cursor = warehouse_cursor(cli_data_dir / "warehouse.duckdb")
        copy_before = (cli_data_dir / "published" / "warehouse.duckdb").stat().st_mtime_ns
        clock.advance_to(EVENING_JAN_8)  # new filings wait in the feed; the feed will not give them
        plan.statuses[FEED_PATH] = [status] * 50
        exit_status, _, err = failing_watch(cli_data_dir, monkeypatch, capsys, mirror.base_url)
    assert exit_status == 1
    assert_failed_poll_changed_nothing(cli_data_dir, err, polls_before, cursor)
    assert (cli_data_dir / "published" / "warehouse.duckdb").stat().st_mtime_ns == copy_before
    assert f"http_{status}" in err or (status >= 500 and "deadline" in err) or "retries_exhausted" in err


def test_a_feed_that_refuses_connections_on_a_new_folder_builds_nothing(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    from tests.test_alerts import closed_port_url

    closed = closed_port_url().split("/services")[0]
    exit_status, out, err = failing_watch(cli_data_dir, monkeypatch, capsys, closed)
    assert exit_status == 1 and "nothing new" not in out
    assert "the feed could not be read (host_unreachable" in err and "Traceback" not in err
    assert not (cli_data_dir / "published" / "warehouse.duckdb").exists()
    [(failure,)] = read_table(cli_data_dir, "select failure from feed_polls")
    assert failure.startswith("host_unreachable")


@pytest.mark.parametrize("kind", ["html", "garbage", "empty"])
def test_a_page_that_is_not_the_feed_is_a_failed_poll_in_one_line(cli_data_dir: Path, monkeypatch, capsys, kind):
    """Case 3: a proxy's or maintenance page's 200, garbage, an empty body, again on each read: one line, exit 1,
    nothing changed; the next poll, the feed back, loads what was waiting."""
    from orchestration.sources.current_feed.poll import warehouse_cursor

    faults = FeedFaults()
    clock = FeedClock(NOON_JAN_6, speed=0.0)
    with serve_in_background(
        [FIXTURE_MIRROR], feed=MirroredFeed(held_filings([FIXTURE_MIRROR]), clock, faults)
    ) as mirror:
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
        polls_before = read_table(
            cli_data_dir, "select polled_at, cursor_accepted_at, gap_since, failure from feed_polls"
        )
        cursor = warehouse_cursor(cli_data_dir / "warehouse.duckdb")
        clock.advance_to(EVENING_JAN_8)
        faults.wrong_pages += [kind] * NOT_THE_FEED_READS  # read again, and again not the feed
        exit_status, _, err = failing_watch(cli_data_dir, monkeypatch, capsys, mirror.base_url)
        assert exit_status == 1 and "not_the_feed" in err
        assert_failed_poll_changed_nothing(cli_data_dir, err, polls_before, cursor)
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
    rows = published(cli_data_dir, "select accession_number, count(*) from filings group by 1")
    assert {accession for accession, _ in rows} == accepted_by(EVENING_JAN_8) - {NEVER_PARSES}
    assert {copies for _, copies in rows} == {1}


def test_a_stalled_feed_fails_the_poll_at_its_deadline_not_after_the_retries(tmp_path: Path):
    """Case 4: a feed page that answers only after 30 s (and would again on each retry) ends the poll at its
    deadline; and a poll's deadline is shorter than the interval between polls."""
    from orchestration.sources.current_feed.poll import poll, poll_deadline_seconds
    from transforms.current_feed import FeedCursor, FeedUnavailableError
    from transforms.edgar_client import ClientSettings, EdgarClient
    from transforms.rate_limit import NoRateLimit

    assert all(poll_deadline_seconds(interval) < interval for interval in (10, 30, 60, 300))
    faults = FeedFaults(stalled_pages=10, stall_seconds=30.0)
    feed = MirroredFeed(held_filings([FIXTURE_MIRROR]), FeedClock(NOON_JAN_6, speed=0.0), faults)
    with serve_in_background([FIXTURE_MIRROR], feed=feed) as mirror:
        client = EdgarClient(ClientSettings(user_agent=TEST_USER_AGENT, base_url=mirror.base_url), NoRateLimit())
        started = time.monotonic()
        with pytest.raises(FeedUnavailableError) as failed:
            poll(client, FeedCursor(), deadline_seconds=2.0)
        took = time.monotonic() - started
    assert failed.value.reason == "deadline" and took < faults.stall_seconds


def test_watch_goes_on_after_failed_polls_backs_off_and_stops_with_130(cli_data_dir: Path, tmp_path: Path):
    """In the loop a failed poll is one warning line and a longer wait, not the end of `watch`; the filings come
    in once the feed is back; Ctrl-C ends it with 130, as the README says."""
    from tests.test_messages import cli_env

    faults = FeedFaults(wrong_pages=["html", "garbage", "empty"] * 2)  # two polls' worth: each page is read 3 times
    feed = MirroredFeed(held_filings([FIXTURE_MIRROR]), FeedClock(NOON_JAN_6, speed=0.0), faults)
    with serve_in_background([FIXTURE_MIRROR], feed=feed) as mirror:
        env = cli_env(cli_data_dir, EDGAR_BASE_URL=mirror.base_url, EDGAR_REQUESTS_PER_SECOND="500")
        command = [sys.executable, "-m", "orchestration.cli", "watch", "--interval", "1"]
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        copy = cli_data_dir / "published" / "warehouse.duckdb"
        deadline = time.monotonic() + 180
        while not copy.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.5)
        time.sleep(1.5)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert err.count("the feed could not be read") == 2 and "Traceback" not in err
    failures = [line for line in err.splitlines() if "the feed could not be read" in line]  # one line each
    assert "polling again in 2 s" in failures[0] and "polling again in 4 s" in failures[1]
    assert "new filing(s) in the feed" in out
    loaded = {row[0] for row in published(cli_data_dir, "select accession_number from filings")}
    assert loaded == accepted_by(NOON_JAN_6) - {NEVER_PARSES}


def test_a_writer_file_cut_short_is_never_written_to(cli_data_dir: Path, monkeypatch, capsys, feed_mirror):
    """Case 6: the writer's file cut to half its size. `watch --once` refuses it in one line naming the file and the
    ways back, writes nothing into it, and says the same again when run again."""
    mirror, clock = feed_mirror
    assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
    writer = cli_data_dir / "warehouse.duckdb"
    os.truncate(writer, writer.stat().st_size // 2)
    cut = writer.read_bytes()
    clock.advance_to(EVENING_JAN_8)
    for _ in range(2):
        exit_status, _, err = failing_watch(cli_data_dir, monkeypatch, capsys, mirror.base_url)
        assert exit_status == 1 and "Traceback" not in err, err
        assert f"{writer} is damaged" in err or f"{writer} cannot be opened" in err
        assert "nothing was changed" in err and f"cp {cli_data_dir / 'published' / 'warehouse.duckdb'} {writer}" in err
        assert writer.read_bytes() == cut and not Path(f"{writer}.wal").exists()


@pytest.mark.parametrize(
    "arguments",
    [["--interval", "nan"], ["--interval", "inf"], ["--interval", "-1"], ["--once", "--interval", "10"]],
)
def test_watch_refuses_an_interval_it_cannot_keep_in_one_line(cli_data_dir: Path, capsys, arguments: list[str]):
    from orchestration import cli

    with pytest.raises(SystemExit) as refused:
        status = cli.main(["watch", *arguments])
        raise SystemExit(status)
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--interval" in err and "Traceback" not in err


def test_a_poll_whose_filings_are_not_served_yet_says_none_was_loaded(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    feed = MirroredFeed(
        held_filings([FIXTURE_MIRROR]), FeedClock(NOON_JAN_6, speed=0.0), FeedFaults(archive_lag_seconds=10**9)
    )
    with serve_in_background([FIXTURE_MIRROR], feed=feed) as mirror:
        capsys.readouterr()
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
    listed = len(accepted_by(NOON_JAN_6))
    out = capsys.readouterr().out
    assert f"{listed} new filing(s) in the feed: 0 loaded and published, {listed} not loaded" in out


def test_alerts_since_takes_a_date_and_a_closed_reader_is_no_error(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys, feed_mirror
):
    from orchestration import cli
    from tests.test_messages import cli_env

    mirror, _ = feed_mirror
    assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
    capsys.readouterr()
    assert cli.main(["alerts", "--since", "2025-01-06"]) == 0
    assert "published since 2025-01-06 00:00 UTC" in capsys.readouterr().out
    env = cli_env(cli_data_dir)
    for command in ("summary", "alerts --since 3650d --json", "runs"):
        done = subprocess.run(
            f"{sys.executable} -m orchestration.cli {command} | head -c0; exit ${{PIPESTATUS[0]}}",
            shell=True,
            executable="/bin/bash",
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0 and done.stderr == "", (command, done.stderr)


def test_a_killed_run_is_shown_killed_and_recorded_failed_by_the_next(cli_data_dir: Path, feed_mirror, capsys):
    """SIGKILL leaves Dagster no time to record a run's end: `runs` tells it by its process being gone, and the
    next run records it as failed."""
    from orchestration import cli
    from tests.test_messages import cli_env

    mirror, _ = feed_mirror
    env = cli_env(cli_data_dir, EDGAR_BASE_URL=mirror.base_url, EDGAR_REQUESTS_PER_SECOND="500")
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "watch", "--once"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    runs_db = cli_data_dir / "dagster" / "history" / "runs.db"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if runs_db.exists() and started_runs(runs_db):
            break
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert started_runs(runs_db), "the run had not started when it was killed"
    capsys.readouterr()
    assert cli.main(["runs"]) == 0
    assert re.search(r"┆ killed\s+┆", capsys.readouterr().out)
    done = subprocess.run(process.args, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not started_runs(runs_db)
    assert cli.main(["runs"]) == 0
    listed = capsys.readouterr().out
    assert not re.search(r"┆ killed\s+┆", listed) and re.search(r"┆ failure\s+┆", listed)


def started_runs(runs_db: Path) -> list[tuple]:
    """The runs Dagster's own run storage (SQLite) marks STARTED, read without Dagster."""
    import sqlite3

    with sqlite3.connect(f"file:{runs_db}?mode=ro", uri=True) as connection:
        try:
            return connection.execute("select run_id from runs where status = 'STARTED'").fetchall()
        except sqlite3.OperationalError:  # not created yet
            return []


def test_runs_on_a_folder_it_cannot_write_is_one_line(cli_data_dir: Path, monkeypatch, feed_mirror, tmp_path: Path):
    """Dagster opens its run storage for writing even to list runs: on a read-only data folder (mounted read-only
    here, as root ignores file modes) `runs` says so in one line and exits 1."""
    from tests.test_messages import cli_env

    mirror, _ = feed_mirror
    assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
    script = (
        f"mount --bind {cli_data_dir} {cli_data_dir} && mount -o remount,bind,ro {cli_data_dir} && "
        f"{sys.executable} -m orchestration.cli runs"
    )
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no mount namespace here (unshare -m) to make a read-only folder in")
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], env=cli_env(cli_data_dir), capture_output=True, text=True
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "cannot be opened here" in done.stderr


def test_the_feed_fault_soak_ends_with_every_filing_loaded_once_and_published(tmp_path: Path):
    """`make fault-soak`'s feed phase at a small scale: polls hour by hour through a feed that answers pages that are
    not the feed and a server that throttles, resets and corrupts, some runs SIGKILLed; with the nightly after it,
    every filing is loaded once and published, and nothing is left unpublished."""
    from bench.fault_soak import DEFAULT_RATES, feed_soak
    from bench.generate import generate

    mirror = tmp_path / "mirror"
    calendar = generate(mirror, 30, days=2, seed=7)
    feed_rates = {"html": 0.3, "garbage": 0.2, "empty": 0.2}
    outcome = feed_soak(
        mirror, calendar, DEFAULT_RATES, feed_rates, seed=7, work=tmp_path, step_hours=3.0, kill_rate=0.3
    )
    assert outcome["feed_ok"], outcome
    assert outcome["feed_polls_exits"].get("1", 0) >= 1  # the faults did land: some polls could not read the feed


def test_the_feed_demo_shows_filings_arriving_and_their_latency(
    cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    """`make feed-demo` (here with the filings two seconds apart): in its own folder every fixture filing arrives
    through the feed, and the summary gives their time from acceptance to the read copy, in seconds."""
    from orchestration import cli

    monkeypatch.setattr(cli, "FEED_DEMO_SPACING_SECONDS", 2.0)
    monkeypatch.setattr(cli, "FEED_DEMO_INTERVAL_SECONDS", 1.0)
    assert cli.main(["demo", "--feed"]) == 0
    out = capsys.readouterr().out
    folder = cli_data_dir / "feed-demo"
    held = {row[0] for row in published(folder, "select accession_number from filings")}
    assert held == {filing.accession_number for filing in held_filings([FIXTURE_MIRROR])} - {NEVER_PARSES}
    assert out.count("new filing(s) in the feed") >= 2
    latency = out.split("feed latency today (acceptance to read copy):")[1]
    assert re.search(rf"│ {len(held)}\s+┆ (\d+ min )?\d+ s\s+┆", latency), latency


def test_a_page_that_is_not_the_feed_once_is_read_again(cli_data_dir: Path, monkeypatch, capsys):
    """A proxy's glitch on one read is not an outage: the page is read again and the poll goes on."""
    faults = FeedFaults(wrong_pages=["html"])
    feed = MirroredFeed(held_filings([FIXTURE_MIRROR]), FeedClock(NOON_JAN_6, speed=0.0), faults)
    with serve_in_background([FIXTURE_MIRROR], feed=feed) as mirror:
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
    assert faults.wrong_pages == []  # the glitch was served
    loaded = {row[0] for row in published(cli_data_dir, "select accession_number from filings")}
    assert loaded == accepted_by(NOON_JAN_6) - {NEVER_PARSES}
