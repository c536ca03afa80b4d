"""Benchmarks, each against a baseline measured in the same run: `make bench` (or `python -m bench.run --help`).

Figures are printed as value, baseline and ratio; nothing here is asserted. Targets from issue #6 are printed
beside each figure so a reader sees where the code stands.
"""

import argparse
import gc
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import requests
from lxml import etree

from bench.f345_bench import bench_f345_history, bench_f345_load
from bench.feed_bench import FEED_AGAIN_DAY, bench_feed
from bench.generate import generate, issuer_ciks, write_daily_index
from bench.measure import RESULTS, bench_env, print_results, report, run_measuring_peak_memory, timed_nightly
from bench.night_profile import difference_table, fresh_profile, label_table, read_profile, step_table
from bench.schedule13_holders import bench_schedule13_holders
from bench.schedule13_parse import bench_schedule13_parse
from mirror.server import serve_in_background
from orchestration.model_assets import calendar_frame
from orchestration.parse_pool import MAX_BATCH_SIZE
from orchestration.warehouse_connection import arrow_for_duckdb, connect, ensure_schema
from orchestration.warehouse_load import load_filings
from orchestration.warehouse_refresh import refresh_model
from transforms.normalize import COMPILED_PARSER_BUILT, normalize_batch

NOW = datetime(2026, 1, 1)
# Warm nights, and cold nights, timed on each warehouse: with two, the ratio moved between 1.27x and 1.54x from run
# to run on a shared 2-core machine; each more night costs 25 to 40 s at full scale (one night on each warehouse).
TIMED_NIGHTS = 3
BENCHMARKS = ("parse", "schedule13", "load", "e2e", "nightly", "f345", "feed")


def submissions(mirror: Path) -> list[tuple[str, bytes]]:
    return [(path.stem, path.read_bytes()) for path in sorted((mirror / "Archives/edgar/data").glob("*/*.txt"))]


def bench_parse(raw: list[tuple[str, bytes]]) -> dict[str, pl.DataFrame]:
    """Ours in the pipeline's own batches (parse_pool.MAX_BATCH_SIZE filings through `normalize_batch`, as
    parse_pool.parse_batch parses them: the compiled parser where it is built), one process.

    The floor parses each batch's documents just before ours parses the batch, so both see the machine in the same
    state: timed one after the other over the whole quarter, the ratio moved by a fifth between runs.
    """
    xml = [body[body.index(b"<ownershipDocument") : body.index(b"</XML>")] for _, body in raw]
    normalize_batch(raw[:200])  # one-time set-up, unmeasured
    floor_seconds = ours_seconds = 0.0
    batches = []
    for start in range(0, len(raw), MAX_BATCH_SIZE):
        started = time.perf_counter()
        for document in xml[start : start + MAX_BATCH_SIZE]:
            etree.fromstring(document)
        floor_seconds += time.perf_counter() - started
        started = time.perf_counter()
        batches.append(normalize_batch(raw[start : start + MAX_BATCH_SIZE])[0])
        ours_seconds += time.perf_counter() - started
    report(
        "parse: SGML bytes → typed Polars frames, one process"
        + ("" if COMPILED_PARSER_BUILT else " (pure-Python parser: the compiled one is not built)"),
        len(raw) / ours_seconds,
        "filings/s",
        len(raw) / floor_seconds,
        "lxml.etree.fromstring alone",
        "≥ 3,000 filings/s/core and ≥ 0.3x raw",
    )
    return {table: pl.concat([batch[table] for batch in batches]) for table in batches[0]}


def bench_load(frames: dict[str, pl.DataFrame], work: Path, copies: int, rounds: int = 2) -> None:
    """Ours and the baseline in turn, each into a fresh file after the disk is flushed, best of `rounds`: the
    first load of a run otherwise pays for writing back the mirror just generated, which favoured the second."""
    big = {
        table: pl.concat([frame.with_columns(pl.col("accession_number") + f"-{n}") for n in range(copies)])
        for table, frame in frames.items()
    }
    rows = sum(frame.height for frame in big.values())
    accessions = big["filings"]["accession_number"].to_list()
    ours_times, floor_times = [], []
    for round_number in range(rounds):
        os.sync()
        raw = duckdb.connect(str(work / f"raw-{round_number}.duckdb"))
        started = time.perf_counter()
        for table, frame in big.items():
            raw.from_arrow(arrow_for_duckdb(frame)).create(table)  # the same export as ours
        floor_times.append(time.perf_counter() - started)
        raw.close()
        os.sync()
        connection = connect(work / f"load-{round_number}.duckdb")
        ensure_schema(connection)
        started = time.perf_counter()
        load_filings(connection, accessions, big, [], [], NOW)
        ours_times.append(time.perf_counter() - started)
        connection.close()
    report(
        f"load: {rows:,} rows in one transaction (replace by accession), best of {rounds}",
        rows / min(ours_times),
        "rows/s",
        rows / min(floor_times),
        "create table as select, no transaction",
        "≥ 1M rows/s",
    )


def bench_end_to_end(mirror: Path, days: list, work: Path) -> None:
    with serve_in_background([mirror]) as server:
        files = sorted((mirror / "Archives/edgar/data").glob("*/*.txt"))
        server.precompress(files)  # neither the baseline nor the run pays the mirror's compression
        paths = [f"/Archives/edgar/data/{p.parent.name}/{p.name}" for p in files]
        session = requests.Session()
        started = time.perf_counter()
        for path in paths:
            session.get(server.base_url + path, timeout=30).raise_for_status()
        floor = len(paths) / (time.perf_counter() - started)
        env = bench_env(work / "e2e", server.base_url)
        command = [sys.executable, "-m", "orchestration.cli", "ingest", "--start", str(days[0]), "--end", str(days[-1])]
        started = time.perf_counter()
        peak = run_measuring_peak_memory(command, env)
        ours = len(paths) / (time.perf_counter() - started)
    report(
        f"end to end: {len(paths):,} filings over {len(days)} days via loopback, rate limit off",
        ours,
        "filings/s",
        floor,
        "plain sequential GET of the same files",
        "≥ 500 filings/s on 2 cores",
    )
    memory = f"{peak.resident_mb:,.0f} MB resident ({peak.private_mb:,.0f} MB private)"
    RESULTS.append(("end to end: peak memory of the run", memory, "", "", "≤ 2 GB"))
    print(f"end to end peak memory: {memory}")


QUARTER = timedelta(weeks=13)  # a quarter that keeps each date's weekday, so business days stay business days


def past_copy(frame: pl.DataFrame, copy: int, history_quarters: int) -> pl.DataFrame:
    """Copy number `copy` of a parsed frame, under accessions of its own.

    With no history every copy names issuers and insiders of its own, so the night's (the mirror's own CIKs)
    have no past filings. With `history_quarters` the first that many copies keep the mirror's issuers and
    insiders, each moved that many quarters earlier: five years of the same people filing for the same companies,
    as a real warehouse holds; later copies do the same for companies of their own.
    """
    copied = frame.with_columns(pl.col("accession_number") + f"-g{copy}")
    if history_quarters <= 0:
        offset, earlier = 10_000_000 * (copy + 1), timedelta(0)
    else:
        offset, earlier = 10_000_000 * (copy // history_quarters), QUARTER * (copy % history_quarters + 1)
    shifted = [pl.col(cik) + offset for cik in ("issuer_cik", "owner_cik") if cik in frame.columns]
    if earlier:
        shifted += [pl.col(name) - earlier for name, dtype in frame.schema.items() if dtype in (pl.Date, pl.Datetime)]
    return copied.with_columns(shifted) if shifted else copied


def grow_warehouse(
    path: Path, frames: dict[str, pl.DataFrame], target_transactions: int, history_quarters: int = 0
) -> int:
    """A warehouse of about `target_transactions` transaction rows: the parsed filings copied under new accessions
    (`past_copy`: issuers and insiders of their own, or the night's own in earlier quarters), then modelled."""
    copies = max(1, target_transactions // max(1, frames["transactions"].height))
    connection = connect(path)
    ensure_schema(connection)
    for start in range(0, copies, 50):
        chunk = range(start, min(copies, start + 50))
        big = {
            table: pl.concat([past_copy(frame, n, history_quarters) for n in chunk]) for table, frame in frames.items()
        }
        accessions = big["filings"]["accession_number"].to_list()
        load_filings(connection, accessions, big, [], [], NOW)
        refresh_model(connection, accessions, calendar_frame(datetime(2025, 1, 1).date()))
    rows = connection.sql("select count(*) from transactions").fetchall()[0][0]
    connection.close()
    return rows


def _grow_from_files(path: Path, frames_folder: Path, target_transactions: int, history_quarters: int) -> int:
    frames = {table.stem: pl.read_parquet(table) for table in frames_folder.glob("*.parquet")}
    return grow_warehouse(path, frames, target_transactions, history_quarters)


def grow_in_child(path: Path, frames_folder: Path, target_transactions: int, history_quarters: int = 0) -> int:
    """`grow_warehouse` in a process of its own: growing holds about 8 GB (the copies, DuckDB's buffers), which a
    bench process keeping it would take from the page cache the timed nights read the warehouse through."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as child:
        return child.submit(_grow_from_files, path, frames_folder, target_transactions, history_quarters).result()


def quiet_day(mirror: Path, before: date) -> date:
    """The last weekday before `before`, given a daily index that lists nothing in the mirror."""
    day = before - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    write_daily_index(mirror, day, [])
    return day


def finish_as_a_load_does(data_dir: Path, mirror: Path, days: list) -> None:
    """A history load ends by building the SQL models and publishing (its job runs them before it is done): the
    grown warehouse gets the same from one untimed night with nothing listed, so that the first timed night is the
    first after a load, as a user meets it, not the models' first build."""
    with serve_in_background([mirror]) as server:
        timed_nightly(data_dir, server.base_url, quiet_day(mirror, days[0]))


def nightly_ratio(big_dir: Path, mirror: Path, days: list, described: str, first_night: bool = True) -> None:
    """The nightly on the warehouse of `big_dir` against the same nights on an empty one (`described`: what the
    big one holds): the first night after the warehouse was built, then warm nights (the files in the page cache,
    as on a machine that does nothing else) and cold ones (evicted first, as after a reboot or a day of other work).
    Each night runs on the empty and on the big warehouse in turn: a single night moved by a quarter between runs
    on this shared machine. Every night is profiled (bench/night_profile.py); the first and the first cold one on
    the big warehouse are printed, and for each kind the SQL files whose time grew most from the empty warehouse's.
    Without `first_night` (warehouses that have had nights already), warm and cold nights only."""
    empty_dir = big_dir.with_name(big_dir.name + "-empty")
    first, warm, cold = days[-2 * TIMED_NIGHTS - 1], days[-2 * TIMED_NIGHTS : -TIMED_NIGHTS], days[-TIMED_NIGHTS:]
    kinds = ("first", "warm", "cold") if first_night else ("warm", "cold")
    timed: dict[str, dict[Path, list[float]]] = {kind: {empty_dir: [], big_dir: []} for kind in kinds}
    profiles: dict[tuple[str, Path], Path] = {}

    def night(kind: str, folder: Path, day: date, base_url: str) -> None:
        profile = fresh_profile(folder, f"{kind}-night-{day}")
        profiles.setdefault((kind, folder), profile)
        timed[kind][folder].append(timed_nightly(folder, base_url, day, cold=kind == "cold", profile=profile))

    with serve_in_background([mirror]) as server:
        for folder in (empty_dir, big_dir) if first_night else ():
            night("first", folder, first, server.base_url)
        for kind, nights in (("warm", warm), ("cold", cold)):
            for day in nights:
                for folder in (empty_dir, big_dir):
                    night(kind, folder, day, server.base_url)
    for kind, label, target in (
        *((("first", "the first night after it was built", "ratio ≤ 2"),) if first_night else ()),
        ("warm", f"warm nights (mean of {TIMED_NIGHTS})", "ratio ≤ 1.3"),
        ("cold", f"cold nights, files evicted from the page cache (mean of {TIMED_NIGHTS})", "ratio ≤ 2"),
    ):
        report(
            f"nightly run, {label}, on {described}",
            statistics.mean(timed[kind][big_dir]),
            "s",
            statistics.mean(timed[kind][empty_dir]),
            "the same nights on an empty warehouse",
            target,
        )
    for kind in (kind for kind in ("first", "cold") if (kind, big_dir) in profiles):
        entries = read_profile(profiles[kind, big_dir])
        print(f"where the {kind} night on {described} went ({profiles[kind, big_dir]}):", file=sys.stderr)
        print(step_table(entries) + "\n\n" + label_table(entries, top=15) + "\n", file=sys.stderr, flush=True)
    for kind in kinds:
        entries, baseline = read_profile(profiles[kind, big_dir]), read_profile(profiles[kind, empty_dir])
        which = "the first night after it was built" if kind == "first" else f"the first {kind} night"
        print(f"{which} on {described}, against the same night on an empty warehouse:", file=sys.stderr)
        print(difference_table(entries, baseline, top=15) + "\n", file=sys.stderr, flush=True)


def holdings_as_of_figures(big_dir: Path, described: str) -> None:
    """Holdings as of a date for the issuer with the most position intervals, and for every issuer, on the read
    copy of `big_dir`, against a full scan of positions."""
    connection = duckdb.connect(str(big_dir / "published" / "warehouse.duckdb"), read_only=True)
    issuer, day = connection.sql(
        "select issuer_cik, max(valid_from) from positions group by 1 order by count(*) desc limit 1"
    ).fetchall()[0]
    positions = connection.sql("select count(*) from positions").fetchall()[0][0]

    def median_ms(sql: str, params: dict, repeat: int) -> float:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            connection.sql(sql, params=params).fetchall()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    scan = median_ms("select count(*), sum(shares) from positions", {}, 5)
    one = median_ms("select * from holdings_as_of($d, issuer := $i)", {"d": day, "i": issuer}, 20)
    every = median_ms("select count(*) from holdings_as_of($d)", {"d": day}, 5)
    for scope, figure, target in (("one issuer", one, "≤ 50 ms"), ("all issuers", every, "≤ 1 s")):
        report(
            f"holdings as of a date, {scope}, {described} ({positions:,} position intervals)",
            figure,
            "ms",
            scan,
            "full scan of positions",
            target,
        )
    connection.close()


def bench_grown_warehouse(
    mirror: Path, days: list, frames_folder: Path, work: Path, rows: int, chosen: set[str], arguments
) -> None:
    """On a grown warehouse: the nightly and holdings as of a date, then the latest-filings feed (bench/feed_bench.py).
    The parsed frames come as parquet files (`frames_folder`): this process holds nothing big while runs are timed."""
    big_dir = work / "big"
    history_quarters = arguments.issuer_history
    grown = grow_in_child(big_dir / "warehouse.duckdb", frames_folder, rows, history_quarters)
    described = f"a warehouse of {grown:,} transaction rows" + (
        f", the night's issuers with {history_quarters} quarters of history" if history_quarters > 0 else ""
    )
    finish_as_a_load_does(big_dir, mirror, days)
    # The nightly's runs also leave what the feed's runs find in production: models built, a read copy and a standby.
    nightly_ratio(big_dir, mirror, days, described)
    if "nightly" in chosen:
        holdings_as_of_figures(big_dir, "grown warehouse")
    if "feed" in chosen:
        bench_feed(big_dir, work, arguments.feed_filings, arguments.feed_samples)


def bench_f345(mirror: Path, days: list, work: Path, filings: int, quarters: int, submissions: int) -> None:
    """The Form 345 load, then a history of generated quarters loaded by `f345`, and on it the nightly and holdings
    as of a date (the night's companies file in every quarter of the history)."""
    bench_f345_load(work, submissions)
    history_dir = work / "f345"
    bench_f345_history(work, history_dir, quarters, submissions, issuer_ciks(filings), days[0])
    nightly_ratio(history_dir, mirror, days, f"the {quarters}-quarter Form 345 history")
    holdings_as_of_figures(history_dir, f"{quarters}-quarter Form 345 history")


def nights_again(folder: Path, before: date | None = None) -> None:
    """Warm and cold nights again on the warehouses a `--keep` run left in `folder` (big and big-empty), over the
    generated days no night has loaded yet (or, with `before`, the last ones before that day: after other runs took
    some): the nightly's figures for a change, without growing a warehouse."""
    mirror = folder / "mirror"
    indexes = sorted(mirror.glob("Archives/edgar/daily-index/*/QTR*/master.*.idx"))
    listed = [index for index in indexes if len(index.read_text().splitlines()) > 2]  # header and rule, then filings
    days = [date.fromisoformat(index.stem.split(".")[1]) for index in listed]
    loaded = 2 * TIMED_NIGHTS + 1  # the days the kept run's nights loaded: the last of the generated ones
    rows = duckdb.connect(str(folder / "big" / "published" / "warehouse.duckdb"), read_only=True)
    try:
        [(grown,)] = rows.sql("select count(*) from transactions").fetchall()
    finally:
        rows.close()
    unloaded = [day for day in days if day < before] if before else days[:-loaded]
    nightly_ratio(folder / "big", mirror, unloaded, f"a warehouse of {grown:,} transaction rows", False)


@contextmanager
def kept_or_temporary(folder: Path | None) -> Iterator[Path]:
    """`folder`, created empty and left behind, or a temporary folder removed at the end."""
    if folder is not None:
        if folder.exists() and any(folder.iterdir()):
            raise SystemExit(f"bench: {folder} is not empty; give --keep a new or empty folder")
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory() as temporary:
        yield Path(temporary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--filings", type=int, default=50_000, help="filings in the generated quarter")
    parser.add_argument("--days", type=int, default=62, help="business days they spread over")
    parser.add_argument("--warehouse-rows", type=int, default=10_000_000, help="transaction rows of the big warehouse")
    parser.add_argument("--load-copies", type=int, default=20, help="copies of the parsed frames loaded at once")
    parser.add_argument(
        "--issuer-history",
        type=int,
        default=0,
        metavar="QUARTERS",
        help="give the night's issuers this many quarters of past filings in the big warehouse (default: none)",
    )
    parser.add_argument("--feed-filings", type=int, default=5_000, help="filings of the feed's simulated day")
    parser.add_argument(
        "--schedule13-filings", type=int, default=160_000, help="generated 13D/G filings of the holders' warehouse"
    )
    parser.add_argument("--feed-samples", type=int, default=12, help="polls sampled over that day")
    parser.add_argument("--f345-quarters", type=int, default=8, help="generated Form 345 quarters of the history")
    parser.add_argument("--f345-submissions", type=int, default=70_000, help="submissions per generated quarter")
    parser.add_argument(
        "--only",
        choices=BENCHMARKS,
        action="append",
        help="run just this benchmark (repeatable); parse always runs, since the others load its frames",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="FOLDER",
        help="work in FOLDER and keep it (the mirror, the grown warehouses, the cold night's profile) to look into",
    )
    parser.add_argument(
        "--feed-again",
        type=Path,
        metavar="FOLDER",
        help="run the feed's benchmark again on the grown warehouse a --keep run left in FOLDER, nothing else",
    )
    parser.add_argument(
        "--nights-again",
        type=Path,
        metavar="FOLDER",
        help="time warm and cold nights again on the warehouses a --keep run left in FOLDER, nothing else",
    )
    parser.add_argument(
        "--before",
        type=date.fromisoformat,
        metavar="DAY",
        help="with --nights-again: the nights before DAY (days from it on were loaded already)",
    )
    parser.add_argument(
        "--feed-day",
        type=date.fromisoformat,
        default=FEED_AGAIN_DAY,
        metavar="DAY",
        help=f"with --feed-again: the feed's simulated day, one no run loaded (default {FEED_AGAIN_DAY})",
    )
    arguments = parser.parse_args()
    if arguments.nights_again or arguments.feed_again:
        if arguments.nights_again:
            nights_again(arguments.nights_again, arguments.before)
        if arguments.feed_again:
            folder = arguments.feed_again
            bench_feed(folder / "big", folder, arguments.feed_filings, arguments.feed_samples, fed=arguments.feed_day)
        print_results()
        return
    chosen = set(arguments.only or BENCHMARKS)
    with kept_or_temporary(arguments.keep) as work:
        mirror = work / "mirror"
        days = generate(mirror, arguments.filings, days=arguments.days)
        raw = submissions(mirror)
        gc.collect()
        frames = bench_parse(raw)
        del raw
        if "schedule13" in chosen:
            bench_schedule13_parse()
            bench_schedule13_holders(arguments.schedule13_filings, work)
        if "load" in chosen:
            bench_load(frames, work, arguments.load_copies)
        if "e2e" in chosen:
            bench_end_to_end(mirror, days, work)
        # What follows times other processes: this one keeps nothing big (the frames wait as parquet files).
        frames_folder = work / "frames"
        frames_folder.mkdir()
        for table, frame in frames.items():
            frame.write_parquet(frames_folder / f"{table}.parquet")
        del frames
        gc.collect()
        if "f345" in chosen:
            bench_f345(mirror, days, work, arguments.filings, arguments.f345_quarters, arguments.f345_submissions)
        if chosen & {"nightly", "feed"}:
            bench_grown_warehouse(mirror, days, frames_folder, work, arguments.warehouse_rows, chosen, arguments)
    print_results()


if __name__ == "__main__":
    main()
