"""Who holds the warehouse's lock, and since when: what a waiting run tells its user instead of hanging silently."""

import os
import re
import time
from datetime import datetime
from pathlib import Path

# DuckDB's lock error names the holder: 'Conflicting lock is held in /usr/bin/python3.11 (PID 5298)'.
_HOLDER = re.compile(r"held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def holder_pid(lock_error: str) -> int | None:
    """The PID DuckDB's lock error names, if it names one."""
    match = _HOLDER.search(lock_error)
    return int(match["pid"]) if match else None


def process_started(pid: int, proc: Path = Path("/proc")) -> datetime | None:
    """When `pid` started (Linux /proc), or None where that cannot be read."""
    try:
        fields = (proc / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        ticks_after_boot = int(fields[19])  # field 22 of stat; the two before the split are pid and (comm)
        boot = next(
            int(line.split()[1]) for line in (proc / "stat").read_text().splitlines() if line.startswith("btime")
        )
    except (OSError, IndexError, ValueError, StopIteration):
        return None
    return datetime.fromtimestamp(boot + ticks_after_boot / os.sysconf("SC_CLK_TCK"))


def process_command(pid: int, proc: Path = Path("/proc"), limit: int = 100) -> str | None:
    """The command line of `pid`, shortened to `limit` characters, or None where it cannot be read."""
    try:
        words = (proc / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    command = " ".join(word.decode(errors="replace") for word in words if word)
    return command if len(command) <= limit else command[: limit - 1] + "…"


def describe_holder(lock_error: str) -> str:
    """'process 5298 (python -m … ingest), running since 08:12:03' or, failing that, DuckDB's own words."""
    pid = holder_pid(lock_error)
    if pid is None:
        return "another process"
    parts = [f"process {pid}"]
    command = process_command(pid)
    if command:
        parts.append(f"({command})")
    started = process_started(pid)
    if started is not None:
        age = time.time() - started.timestamp()
        parts.append(f"running since {started:%Y-%m-%d %H:%M:%S} ({age / 60:.0f} min)")
    return " ".join(parts)
