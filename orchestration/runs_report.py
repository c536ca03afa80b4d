"""`insider-warehouse runs`: the recent runs of the local Dagster instance, for an operator without the UI.

Each run as the operator asks after it: what kind (the nightly's days, Form 345 quarters), over which window, how
it ended, when it started and for how long, and how many of the failures it recorded are still open
(ingest_failures rows last seen while it ran and not resolved since).
"""

import os
import socket
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import polars as pl

from orchestration.sources.load_jobs import KIND_TAG, WINDOW_TAG
from orchestration.sql_files import beside, query_sql_file
from orchestration.warehouse_connection import WarehouseLockedError, connect, registered
from transforms.quarters import quarter_label

RUNS_SCHEMA = pl.Schema(
    {
        "run_id": pl.String,
        "kind": pl.String,
        "window": pl.String,
        "status": pl.String,
        "started": pl.String,
        "duration": pl.String,
        "open_failures": pl.Int64,
    }
)


def recent_runs(instance: dg.DagsterInstance, warehouse: Path, published: Path, limit: int) -> tuple[pl.DataFrame, str]:
    """The `limit` newest runs, newest first, and which warehouse file their open failures were counted in."""
    now = datetime.now(UTC).timestamp()
    rows, spans = [], []
    for record in instance.get_run_records(limit=limit):
        run = record.dagster_run
        started, ended = record.start_time, record.end_time
        rows.append(
            {
                "run_id": run.run_id[:8],
                "kind": run.tags.get(KIND_TAG, run.job_name),
                "window": _window(run),
                "status": "killed" if was_killed(run) else run.status.value.lower(),
                "started": _when(started) if started else "not yet",
                "duration": _duration((ended or now) - started) if started else "",
                "open_failures": None,
            }
        )
        spans.append((run.run_id[:8], _naive_utc(started or now), _naive_utc(ended or now)))
    runs = pl.DataFrame(rows, schema=RUNS_SCHEMA)
    counts, counted_in = _open_failures(spans, warehouse, published)
    if counts is not None:
        runs = runs.drop("open_failures").join(counts, on="run_id", how="left", maintain_order="left")
    return runs, counted_in


def _open_failures(
    spans: list[tuple[str, datetime, datetime]], warehouse: Path, published: Path
) -> tuple[pl.DataFrame | None, str]:
    """Open failures per run, from the warehouse if no run is writing it, else from the read copy."""
    batch = pl.DataFrame(spans, schema=["run_id", "started_at", "ended_at"], orient="row")
    for path in (warehouse, published):
        if not path.exists() or batch.is_empty():
            continue
        try:
            connection = connect(path, read_only=True, wait_seconds=0)
        except WarehouseLockedError:  # a run is writing: the read copy is as of the last one published
            continue
        try:
            with registered(connection, {"batch_runs": batch}):
                counts = query_sql_file(connection, beside(__file__, "open_failures_of_runs.sql")).pl()
            return counts, str(path)
        finally:
            connection.close()
    return None, ""


# Tags of a run the CLI started in its own process: which process, on which machine. A run still marked started
# whose process is gone was killed (SIGKILL, a reboot) before Dagster could record its end.
PROCESS_TAG = "insider/pid"
HOST_TAG = "insider/host"


def process_tags() -> dict[str, str]:
    return {PROCESS_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


# What a run's process records before it ends it: a run left in one of these by its process is not running.
_UNFINISHED = (dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED)


def was_killed(run: dg.DagsterRun) -> bool:
    """True for a run not yet ended whose process, on this machine, no longer exists (killed before it could record
    its start or its end)."""
    if run.status not in _UNFINISHED or run.tags.get(HOST_TAG) != socket.gethostname():
        return False
    pid = run.tags.get(PROCESS_TAG, "")
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's live process
        return False
    return False


def mark_killed_runs(instance: dg.DagsterInstance) -> int:
    """Record the runs whose process was killed as failed, saying so; how many there were."""
    killed = [
        record.dagster_run
        for record in instance.get_run_records(dg.RunsFilter(statuses=list(_UNFINISHED)))
        if was_killed(record.dagster_run)
    ]
    for run in killed:
        instance.report_run_failed(run, "its process ended before the run did (killed); nothing partial was kept")
    return len(killed)


def _window(run: dg.DagsterRun) -> str:
    if WINDOW_TAG in run.tags:
        return run.tags[WINDOW_TAG]
    first = run.tags.get("dagster/asset_partition_range_start") or run.tags.get("dagster/partition")
    last = run.tags.get("dagster/asset_partition_range_end") or first
    if first is None:
        return ""
    if run.tags.get(KIND_TAG) == "quarters":
        first, last = (quarter_label(datetime.fromisoformat(key).date()) for key in (first, last))
    return first if first == last else f"{first} to {last}"


def _naive_utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC).replace(tzinfo=None)


def _when(timestamp: float) -> str:
    """Local time, as the operator's clock shows it."""
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S")


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def format_runs(runs: pl.DataFrame, counted_in: str) -> str:
    """The runs as a table for a terminal, with where the failures were counted."""
    if runs.is_empty():
        return "no runs yet (make demo, or insider-warehouse ingest, makes one)"
    with pl.Config(
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
        tbl_rows=200,
        fmt_str_lengths=40,
        tbl_width_chars=160,
    ):
        table = str(runs.rename({"open_failures": "open failures"}))
    where = f"open failures: recorded while the run ran and not resolved since, in {counted_in}" if counted_in else ""
    return f"{table}\n{where}".rstrip()
