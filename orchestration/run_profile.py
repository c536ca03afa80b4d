"""Where a run's time and reads go: with INSIDER_PROFILE naming a file, every SQL file the pipeline runs (and the
few other costly steps: opening the warehouse, publishing) appends one JSON line to it: the step, the label, the
seconds, and the bytes the process read from storage meanwhile (/proc/self/io `read_bytes`: reads the page cache
served are not counted, so a cold night shows what it had to fetch from disk).

Off by default, and then a no-op: the nightly's benchmark turns it on (bench/night_profile.py sums it per step
and per SQL file). The file is the process's (`profiling_to`), handed over by the door that read the settings.
"""

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_IO_FILE = Path("/proc/self/io")
_PROFILE_FILES: list[Path | None] = [None]


@contextmanager
def profiling_to(target: Path | None) -> Iterator[None]:
    """Within the block, this process appends its profile to `target` (None: no profile)."""
    _PROFILE_FILES.append(target)
    try:
        yield
    finally:
        _PROFILE_FILES.pop()


def profile_file() -> Path | None:
    """The file the profile is appended to, or None when profiling is off."""
    return _PROFILE_FILES[-1]


def bytes_read() -> int:
    """Bytes this process has read from storage so far (0 where /proc does not say)."""
    try:
        for line in _IO_FILE.read_text().splitlines():
            if line.startswith("read_bytes:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def current_step() -> str:
    """The Dagster step running in this thread, or "" outside one (opening the warehouse before the run)."""
    import dagster as dg

    try:
        return dg.OpExecutionContext.get().op.name
    except Exception:  # outside a step Dagster raises; a profile must never fail a run
        return ""


STEP_TOTAL = "(the whole step)"


def record_step_times(events: list) -> None:
    """Each finished step's own duration (Dagster's), as a profile line labelled STEP_TOTAL: the time the step
    spent outside the SQL files it ran is the difference."""
    target = profile_file()
    if target is None:
        return
    _append(
        target,
        [
            {"step": event.step_key, "label": STEP_TOTAL, "seconds": duration_ms / 1000, "bytes_read": 0}
            for event in events
            if event.is_step_success
            and (duration_ms := getattr(event.event_specific_data, "duration_ms", None)) is not None
        ],
    )


def _append(target: Path, entries: list[dict]) -> None:
    with target.open("a", encoding="utf-8") as out:
        out.writelines(json.dumps(entry) + "\n" for entry in entries)


@contextmanager
def profiled(label: str) -> Iterator[None]:
    """Time the block and count its storage reads into the profile, when one is on."""
    target = profile_file()
    if target is None:
        yield
        return
    read_before, started = bytes_read(), time.perf_counter()
    try:
        yield
    finally:
        entry = {
            "step": current_step(),
            "label": label,
            "seconds": time.perf_counter() - started,
            "bytes_read": bytes_read() - read_before,
        }
        _append(target, [entry])
