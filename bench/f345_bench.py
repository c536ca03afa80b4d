"""The Form 345 benchmarks of `make bench` (bench/run.py calls them), each against a baseline of the same run.

- Load: one generated quarter's TSV bytes → typed frames → DuckDB (`quarter_frames`, `load_f345_quarter`), in table
  rows per second, against DuckDB's own CSV reader making untyped tables of the same files, and against DuckDB
  storing the quarter's typed frames and nothing else (the part of the load no parsing can speed up).
- History: quarters generated at real size, served as zips on loopback and loaded by the real command
  (`insider-warehouse f345`: fetch, load, model refresh, SQL models, checks, publish), timed with its peak memory
  and extrapolated to 2006q1 to now; the baseline is DuckDB's CSV reader over the same files.
The nightly and holdings as of a date are then measured on that warehouse by bench/run.py, as on the grown one.
"""

import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from tqdm import tqdm

from bench.f345_generate import generate_quarter, issuer_pool, quarter_labels, zip_quarter
from bench.measure import bench_env, print_results, report, run_measuring_peak_memory
from mirror.server import serve_in_background
from orchestration.settings import MEMORY_LIMIT_VARIABLE
from orchestration.sources.f345.load import load_f345_quarter
from orchestration.warehouse_connection import (
    arrow_for_duckdb,
    connect,
    ensure_schema,
    history_memory_limit,
)
from transforms.f345.files import DATA_SET_FOLDERS, FIRST_QUARTER
from transforms.f345.reader import quarter_frames
from transforms.quarters import quarter_label

NOW = datetime(2026, 1, 1)
# The quarters 2006q1 to 2025q4: what a full history holds, for the extrapolation.
FULL_HISTORY_QUARTERS = 80


def tsv_floor_seconds(folders: list[Path], work: Path) -> float:
    """DuckDB's CSV reader making one untyped table per TSV of `folders`: reading the bytes and nothing else."""
    path = work / "floor.duckdb"
    path.unlink(missing_ok=True)
    connection = duckdb.connect(str(path))
    started = time.perf_counter()
    for number, folder in enumerate(folders):
        for tsv in sorted(folder.glob("*.tsv")):
            untyped = connection.read_csv(
                str(tsv), delimiter="\t", quotechar="", escapechar="", header=True, all_varchar=True
            )
            untyped.create(f"{tsv.stem}_{number}")
    seconds = time.perf_counter() - started
    connection.close()
    path.unlink()
    return seconds


def storing_floor_seconds(frames: dict[str, pl.DataFrame], work: Path) -> float:
    """DuckDB storing frames already typed, one new table each in a new file, in one transaction: what writing the
    rows alone costs on this machine, with no reading, typing or bookkeeping."""
    path = work / "storing-floor.duckdb"
    path.unlink(missing_ok=True)
    os.sync()
    connection = duckdb.connect(str(path), config={"preserve_insertion_order": False})
    arrows = {table: arrow_for_duckdb(frame) for table, frame in frames.items()}
    started = time.perf_counter()
    connection.begin()
    for table, arrow in arrows.items():
        connection.from_arrow(arrow).create(table)
    connection.commit()
    seconds = time.perf_counter() - started
    connection.close()
    path.unlink()
    return seconds


def bench_f345_load(work: Path, submissions: int, rounds: int = 3) -> None:
    """One quarter of `submissions` loaded into a fresh warehouse, best of `rounds`, against DuckDB's CSV reader on
    the same TSVs and against DuckDB storing the typed frames alone."""
    folder = work / "f345-load" / "2024q1"
    generate_quarter(folder, "2024q1", submissions)
    files = {tsv.stem: tsv.read_bytes() for tsv in folder.glob("*.tsv")}
    ours, rows = [], 0
    for round_number in range(rounds):
        os.sync()
        connection = connect(work / f"f345-load-{round_number}.duckdb")
        ensure_schema(connection)
        started = time.perf_counter()
        quarter = quarter_frames(files)
        load_f345_quarter(connection, "2024q1", quarter, NOW)
        ours.append(time.perf_counter() - started)
        rows = sum(frame.height for frame in quarter.frames.values())
        connection.close()
    floor = min(tsv_floor_seconds([folder], work) for _ in range(rounds))
    storing = min(storing_floor_seconds(quarter.frames, work) for _ in range(rounds))
    name = f"F345 load: one quarter of {submissions:,} submissions, TSV bytes → typed frames → DuckDB ({rows:,} rows)"
    report(name, rows / min(ours), "rows/s", rows / floor, "DuckDB read_csv of the same TSVs, untyped", "≥ 1M rows/s")
    report(
        "F345 load, against storing alone (the same run's best)",
        rows / min(ours),
        "rows/s",
        rows / storing,
        "DuckDB storing the typed frames, nothing else",
        "≥ 1M rows/s",
    )


def history_labels(quarters: int, last: date) -> list[str]:
    """The `quarters` quarters ending with the one before `last`'s (the nightly's days follow them)."""
    months = last.year * 12 + last.month - 1 - 3 * quarters
    first = date(months // 12, months % 12 // 3 * 3 + 1, 1)
    assert first >= FIRST_QUARTER
    return quarter_labels(quarter_label(first), quarter_label(date(last.year, last.month, 1)))[:quarters]


def bench_f345_history(
    work: Path,
    data_dir: Path,
    quarters: int,
    submissions: int,
    nightly_issuers: list[int],
    first_night: date,
) -> None:
    """`quarters` generated quarters before `first_night`, loaded by the real command into `data_dir`; the
    nightly's own companies file in every one of them, so the nights measured next refresh real histories."""
    mirror = work / "f345-mirror"
    zips = mirror / DATA_SET_FOLDERS[0].strip("/")
    zips.mkdir(parents=True)
    issuers = np.concatenate([np.array(nightly_issuers, dtype=np.int64), issuer_pool(6_000)])
    labels = history_labels(quarters, first_night)
    folders = []
    for number, label in enumerate(tqdm(labels, desc="generate quarters", unit="quarter", leave=False)):
        folder = work / "f345-history" / label
        generate_quarter(folder, label, submissions, issuers=issuers, seed=number)
        zip_quarter(folder, zips, label)
        folders.append(folder)
    floor = tsv_floor_seconds(folders, work)
    with serve_in_background([mirror]) as server:
        env = bench_env(data_dir, server.base_url)
        env.pop(MEMORY_LIMIT_VARIABLE, None)  # the command's own DuckDB limit, as a user gets it
        command = [sys.executable, "-m", "orchestration.cli", "f345", "--start", labels[0], "--end", labels[-1]]
        os.sync()
        started = time.perf_counter()
        peak = run_measuring_peak_memory(command, env)
        seconds = time.perf_counter() - started
    full = seconds / quarters * FULL_HISTORY_QUARTERS
    filings = quarters * submissions
    report(
        f"F345 history: {quarters} quarters of {submissions:,} submissions ({filings:,} filings) by `f345` from "
        f"loopback zips, DuckDB limit {history_memory_limit()}, peak {peak.private_mb:,.0f} MB private "
        f"({peak.resident_mb:,.0f} MB resident); "
        f"{FULL_HISTORY_QUARTERS} quarters extrapolated: {full / 60:.1f} min",
        seconds,
        "s",
        floor,
        "DuckDB read_csv of the same TSVs, untyped",
        "80 quarters ≤ 30 min, peak ≤ 4 GB",
    )
    print(
        f"  F345 history: {seconds:.1f} s for {quarters} quarters, {seconds / quarters:.1f} s a quarter, peak "
        f"{peak.private_mb:,.0f} MB private, {peak.resident_mb:,.0f} MB resident; "
        f"{FULL_HISTORY_QUARTERS} quarters ≈ {full / 60:.1f} min",
        file=sys.stderr,
        flush=True,
    )


def main() -> None:
    """The full-size history as its own command (a bench run measures 8 quarters and extrapolates)."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--quarters", type=int, default=FULL_HISTORY_QUARTERS, help="quarters, ending with 2025q4")
    parser.add_argument("--submissions", type=int, default=70_000, help="submissions per quarter")
    parser.add_argument("--work", type=Path, help="folder for the zips and the warehouse (default: a temporary one)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=arguments.work) as folder:
        work = Path(folder)
        bench_f345_history(work, work / "f345", arguments.quarters, arguments.submissions, [], date(2026, 1, 1))
    print_results()


if __name__ == "__main__":
    main()
