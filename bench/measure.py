"""How the benchmarks measure and report: one table of results, each figure beside a same-run baseline; peak memory
of a child process; a nightly run timed as a user would run it."""

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import PROFILE_VARIABLE

RESULTS: list[tuple[str, str, str, str, str]] = []


def bench_env(data_dir: Path, base_url: str) -> dict[str, str]:
    """The environment of a pipeline command the benchmarks run: its own data folder, a loopback mirror, no rate
    limit (loopback only)."""
    return {
        **os.environ,
        "INSIDER_DATA_DIR": str(data_dir),
        "EDGAR_BASE_URL": base_url,
        "EDGAR_USER_AGENT": "insider-warehouse bench bench@example.invalid",
        "EDGAR_REQUESTS_PER_SECOND": "100000",
    }


def print_results() -> None:
    """Every figure reported so far, as the markdown table docs/performance.md keeps."""
    print("\n| benchmark | ours | baseline (same run) | ratio | target |\n|---|---|---|---|---|")
    for row in RESULTS:
        print("| " + " | ".join(row) + " |")


def report(name: str, value: float, unit: str, baseline: float, baseline_name: str, target: str) -> None:
    ratio = value / baseline if baseline else float("nan")
    RESULTS.append((name, f"{value:,.1f} {unit}", f"{baseline:,.1f} {unit} ({baseline_name})", f"{ratio:.2f}x", target))
    print(
        f"{name}: {value:,.1f} {unit} | baseline {baseline_name}: {baseline:,.1f} {unit} | ratio {ratio:.2f} | {target}"
    )


@dataclass(frozen=True)
class PeakMemory:
    resident_mb: float  # VmHWM: every page mapped, file pages included (publishing maps 64 MiB windows)
    private_mb: float  # the highest RssAnon sampled: memory the process itself holds (heap, DuckDB's buffers)


def _status_kb(status: str, field: str) -> int:
    return int(status.split(f"{field}:")[1].split()[0])


def run_measuring_peak_memory(command: list[str], env: dict[str, str]) -> PeakMemory:
    """Run a command to completion; return its own peak memory.

    Sampled from /proc/<pid>/status, not getrusage(RUSAGE_CHILDREN): the latter also counts the forked copy of this
    (large) benchmark process before exec, which is not the pipeline's memory. Both the resident peak (VmHWM) and
    the private one (RssAnon, sampled every 0.2 s): VmHWM also counts the file pages a process maps (publishing
    maps the warehouse a 64 MiB window at a time to hash it), which are the page cache's, not the process's.
    """
    with tempfile.TemporaryFile() as output:  # kept for a failure's message, never read otherwise
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        resident_kb = private_kb = 0
        while process.poll() is None:
            try:
                status = Path(f"/proc/{process.pid}/status").read_text()
                resident_kb = max(resident_kb, _status_kb(status, "VmHWM"))
                private_kb = max(private_kb, _status_kb(status, "RssAnon"))
            except (OSError, IndexError, ValueError):
                pass
            time.sleep(0.2)
        if process.returncode != 0:
            output.seek(max(0, output.seek(0, 2) - 4000))
            tail = output.read().decode("utf-8", "replace")
            raise RuntimeError(f"{' '.join(command)} failed (exit {process.returncode}); its output ends:\n{tail}")
    return PeakMemory(resident_kb / 1024, private_kb / 1024)


def resident_share(path: Path) -> float | None:
    """How much of `path` is in the page cache (`fincore`), printed beside each timed night: a night that reads a
    warehouse the cache does not hold is an I/O benchmark, and the reader of the figures should know which."""
    try:
        done = subprocess.run(
            ["fincore", "--bytes", "--noheadings", "--output", "RES,SIZE", str(path)], capture_output=True, text=True
        )
        resident, size = (int(field) for field in done.stdout.split())
    except (OSError, ValueError):
        return None
    return resident / size if size else None


def warehouse_files(data_dir: Path) -> list[Path]:
    """The DuckDB files a night reads and writes: the warehouse, its WAL, the read copy and its standby."""
    return sorted(path for path in data_dir.rglob("*.duckdb*") if path.is_file())


def evict_from_cache(data_dir: Path) -> None:
    """Drop the warehouse's files from the page cache, as a reboot or a day of other work would: written back
    first (`sync`), so every page is clean and `posix_fadvise(DONTNEED)` can drop it (no root needed)."""
    os.sync()
    for path in warehouse_files(data_dir):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(descriptor)


def timed_nightly(data_dir: Path, mirror_url: str, day, cold: bool = False, profile: Path | None = None) -> float:
    """One nightly run of `day` on `data_dir`, timed from the command's start to its exit; `cold`: with the
    warehouse's files evicted from the page cache first; `profile`: where its run profile goes
    (orchestration/run_profile.py)."""
    env = bench_env(data_dir, mirror_url) | ({PROFILE_VARIABLE: str(profile)} if profile else {})
    command = [sys.executable, "-m", "orchestration.cli", "ingest", "--start", str(day), "--end", str(day)]
    # The set-up wrote gigabytes (the grown warehouse, full read copies): flushed first, so the night's own
    # checkpoint fsyncs do not queue behind that write-back. A production night follows a quiet day.
    os.sync()
    if cold:
        evict_from_cache(data_dir)
    resident = resident_share(data_dir / "warehouse.duckdb")
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the nightly run on {data_dir} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    elapsed = time.perf_counter() - started
    cached = "" if resident is None else f", {resident:.0%} of the warehouse in the page cache before"
    print(f"  night {day} on {data_dir.name}: {elapsed:.2f} s{cached}", file=sys.stderr, flush=True)
    return elapsed
