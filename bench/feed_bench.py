"""The latest-filings feed on the grown warehouse: acceptance to read copy over a simulated day, one intraday run of
20 filings (its time and what its publish writes), and the nightly after a day the feed already loaded.

A day of feed runs at full scale is hundreds of runs of tens of seconds each; the day is sampled instead. Polls at
`samples` moments spread over the day each load the filings accepted in the poll interval before them, exactly as
the sensor's run would (the mirror's feed lists only the sampled filings, so no run carries another's backlog). A
filing's latency is its wait for the poll plus that run's measured time; the longest run is printed, since one
longer than the interval would queue the next and this sampling would not show it.

The nightly's line needs a day the feed loaded whole, which the sampled day is not (its cursor passes the filings
no poll sampled): the next business day goes through the feed an hour at a time, and its nightly, which should
find nothing to do, is held against a night whose index lists nothing.
"""

import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import dagster as dg

from bench.generate import generate, write_daily_index
from bench.measure import bench_env, report, timed_nightly
from bench.night_profile import difference_table, fresh_profile, label_table, read_profile, step_table
from mirror.feed import FeedClock, HeldFiling, MirroredFeed, held_filings
from mirror.server import serve_in_background
from orchestration.data_folder import DataFolder
from orchestration.settings import PROFILE_VARIABLE

# A Monday; its accessions (…-25-…) are none of the generated quarter's. The feed's polls are sampled over it; the
# next business day goes through the feed whole, and the day after that lists nothing: the empty night the fed
# night is held against. `--feed-again` takes days of 2026 (…-26-…), which the run that kept the folder did not load
# (once per folder: the feed's cursor is then past them, and the nightly refuses days that have not ended).
FEED_DAY = date(2025, 6, 2)
FEED_AGAIN_DAY = date(2026, 6, 1)
NIGHTLY_AT = clock_time(6, 0)  # the schedule's hour, New York, the morning after
INTRADAY_FILINGS = 20


def feed_days(work: Path, filings: int, fed: date = FEED_DAY) -> Path:
    """A mirror holding two business days of `filings` generated filings each, accepted 09:00 to 17:00, from `fed`
    on, and an empty day after them. One generator call numbers both days' accessions apart."""
    root = work / f"feed-mirror-{fed}"
    _, second = generate(root, 2 * filings, first_day=fed, days=2, seed=7)
    write_daily_index(root, second + timedelta(days=1), [])
    return root


def loaded_count(data_dir: Path, filings: list[HeldFiling]) -> int:
    """How many of `filings` the read copy of `data_dir` holds."""
    import duckdb

    connection = duckdb.connect(str(DataFolder(data_dir).published), read_only=True)
    try:
        accessions = [filing.accession_number for filing in filings]
        query = "select count(*) from filings where accession_number in (select unnest($accessions))"
        return connection.sql(query, params={"accessions": accessions}).fetchall()[0][0]
    finally:
        connection.close()


def watch_once(data_dir: Path, base_url: str, profile: Path | None = None) -> float:
    """`insider-warehouse watch --once` as a user (or the daemon's run process) runs it; its wall-clock time.
    `profile`: where its run profile goes (orchestration/run_profile.py)."""
    command = [sys.executable, "-m", "orchestration.cli", "watch", "--once"]
    env = bench_env(data_dir, base_url) | ({PROFILE_VARIABLE: str(profile)} if profile else {})
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"watch --once on {data_dir} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def last_publish_bytes_written(data_dir: Path) -> int:
    """What the latest publish of `data_dir`'s runs wrote (the read copy asset's metadata)."""
    from dagster._core.instance.ref import InstanceRef

    instance = dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(DataFolder(data_dir).dagster_home)))
    try:
        event = instance.get_latest_materialization_event(dg.AssetKey("published_warehouse"))
        assert event is not None and event.asset_materialization is not None
        return int(event.asset_materialization.metadata["bytes written"].value)
    finally:
        instance.dispose()


def next_nightly(accepted_at: datetime) -> datetime:
    """When the nightly starts that reads the filing's daily index: 06:00 the next morning."""
    return datetime.combine(accepted_at.date() + timedelta(days=1), NIGHTLY_AT)


def sampled_windows(filings: list[HeldFiling], samples: int, poll_seconds: float) -> list[tuple[datetime, list]]:
    """`samples` polls spread over the day, each with the filings accepted in the interval before it."""
    first, last = filings[0].accepted_at, filings[-1].accepted_at
    step = (last - first) / (samples + 1)
    windows = []
    for number in range(1, samples + 1):
        polled = first + step * number
        since = polled - timedelta(seconds=poll_seconds)
        windows.append((polled, [f for f in filings if since < f.accepted_at <= polled]))
    return windows


def bench_feed(
    big_dir: Path, work: Path, filings: int, samples: int, poll_seconds: float = 60.0, fed: date = FEED_DAY
) -> None:
    """The three lines of the feed, on the grown warehouse of `big_dir` (after its nightly benchmark)."""
    root = feed_days(work, filings, fed)
    held = held_filings([root])
    day = [filing for filing in held if filing.accepted_at.date() == fed]
    whole_day = [filing for filing in held if filing.accepted_at.date() > fed]
    whole_date = whole_day[0].accepted_at.date()
    windows = sampled_windows(day, samples, poll_seconds)
    sampled = [filing for _, window in windows for filing in window]
    # The intraday run's filings come after the last sampled poll: the cursor has passed the earlier ones.
    last_polled = windows[-1][0]
    intraday = [filing for filing in day if filing not in sampled and filing.accepted_at > last_polled]
    intraday = intraday[:INTRADAY_FILINGS]
    if len(intraday) < INTRADAY_FILINGS:
        found = f"{len(intraday)} filings after its last sampled poll, not {INTRADAY_FILINGS}"
        raise RuntimeError(f"the simulated day has {found}")
    clock = FeedClock(day[0].accepted_at - timedelta(minutes=1), speed=0.0)
    feed = MirroredFeed(sampled, clock)
    latencies, runs = [], []
    with serve_in_background([root], feed=feed) as server:
        for polled, window in windows:
            clock.advance_to(polled)
            elapsed = watch_once(big_dir, server.base_url)
            runs.append((len(window), elapsed))
            latencies += [(polled - filing.accepted_at).total_seconds() + elapsed for filing in window]
        # One intraday run of 20 filings, on the grown warehouse and on one that holds only the sampled filings (its
        # first run, which creates the schema, the models and the first read copy, is not the one timed).
        empty_dir = work / "feed-small"
        watch_once(empty_dir, server.base_url)
        feed.filings = sampled + intraday
        clock.advance_to(intraday[-1].accepted_at)
        intraday_profile = fresh_profile(big_dir, "intraday-run")
        intraday_big = watch_once(big_dir, server.base_url, intraday_profile)
        written = last_publish_bytes_written(big_dir)
        size = DataFolder(big_dir).published.stat().st_size
        intraday_empty = watch_once(empty_dir, server.base_url)
        # The next day whole through the feed, an hour at a time (it holds 5,100 entries, about 2,000 filings; the
        # sampled day's other filings are behind the cursor, so the feed never lists them again), then the nightly
        # over that day against the nightly over the day after it, whose index lists nothing.
        feed.filings = whole_day
        moment = whole_day[0].accepted_at - timedelta(minutes=1)
        while moment < whole_day[-1].accepted_at:
            moment += timedelta(hours=1)
            clock.advance_to(moment)
            watch_once(big_dir, server.base_url)
        if (fed_count := loaded_count(big_dir, whole_day)) != len(whole_day):
            raise RuntimeError(f"the feed loaded {fed_count:,} of the fed day's {len(whole_day):,} filings")
        nothing_listed = whole_date + timedelta(days=1)
        fed_profile, empty_profile = fresh_profile(big_dir, "fed-night"), fresh_profile(big_dir, "nothing-listed-night")
        fed_nights = [timed_nightly(big_dir, server.base_url, whole_date, profile=fed_profile)]
        empty_nights = [timed_nightly(big_dir, server.base_url, nothing_listed, profile=empty_profile)]
        fed_nights.append(timed_nightly(big_dir, server.base_url, whole_date))
        empty_nights.append(timed_nightly(big_dir, server.base_url, nothing_listed))
    entries = read_profile(intraday_profile)
    print(f"where the run of {INTRADAY_FILINGS} filings went ({intraday_profile}):", file=sys.stderr)
    print(step_table(entries) + "\n\n" + label_table(entries, top=15) + "\n", file=sys.stderr)
    print(f"the first fed night against the first nothing-listed night ({fed_profile}):", file=sys.stderr)
    print(difference_table(read_profile(fed_profile), read_profile(empty_profile), top=15) + "\n", file=sys.stderr)
    longest = max(elapsed for _, elapsed in runs)
    print(
        f"  feed: {len(runs)} sampled polls of {min(n for n, _ in runs)} to {max(n for n, _ in runs)} filings, "
        f"runs {min(e for _, e in runs):.1f} to {longest:.1f} s"
        + (" (longer than the poll interval: the next poll would queue)" if longest > poll_seconds else ""),
        file=sys.stderr,
    )
    nightly_time = statistics.mean(fed_nights)
    nightly_latencies = [
        (
            datetime.combine(filing.accepted_at.date() + timedelta(days=1), NIGHTLY_AT) - filing.accepted_at
        ).total_seconds()
        + nightly_time
        for filing in sampled
    ]
    simulated = f"{len(sampled):,} filings of {samples} polls sampled over a simulated day of {filings:,}"
    report(
        f"feed: acceptance to read copy, median, polled every {poll_seconds:.0f} s, {simulated}",
        statistics.median(latencies),
        "s",
        statistics.median(nightly_latencies),
        "the nightly at 06:00 the next morning, same filings",
        "≤ 2 min",
    )
    report(
        f"feed: acceptance to read copy, 99th percentile, {simulated}",
        statistics.quantiles(latencies, n=100)[98],
        "s",
        statistics.quantiles(nightly_latencies, n=100)[98],
        "the nightly, same filings",
        "≤ 5 min",
    )
    report(
        f"feed: one run of {INTRADAY_FILINGS} filings (load, scoped refresh, checks, publish), grown warehouse",
        intraday_big,
        "s",
        intraday_empty,
        "the same run on a warehouse of the sampled filings alone",
        "≤ 20 s",
    )
    report(
        f"feed: bytes its publish wrote, of a {size / 1e9:.2f} GB read copy",
        written / 1e6,
        "MB",
        size / 1e6,
        "a full copy",
        "only changed blocks",
    )
    report(
        f"nightly after a day the feed loaded ({filings:,} filings listed), grown warehouse (mean of 2)",
        nightly_time,
        "s",
        statistics.mean(empty_nights),
        "a night whose index lists nothing, same warehouse",
        "ratio ≤ 1.1",
    )
