"""A request-rate limit shared by every process of a run, through a small locked file.

SEC's fair-access policy allows at most 10 requests per second per user, whatever the number of
processes; Dagster's multiprocess executor runs steps in separate processes, so a per-process
limiter would multiply the rate. Each request takes the next free slot from the shared file.
"""

import fcntl
import os
import struct
import time
from pathlib import Path

# https://www.sec.gov/os/accessing-edgar-data: "current max request rate: 10 requests/second".
SEC_MAX_REQUESTS_PER_SECOND = 10.0
# Slots a little wider than 1/rate, so that jitter between here and the server never packs 11 into a second.
SAFETY_MARGIN = 1.05
_SLOT = struct.Struct("<d")


class SharedRateLimiter:
    """Spaces requests at least `SAFETY_MARGIN / rate` seconds apart across all processes using `state_path`.

    Each claim opens the file afresh, and `flock` locks belong to the open file, so threads of one process
    exclude each other exactly as processes do.
    """

    def __init__(self, state_path: Path, requests_per_second: float = SEC_MAX_REQUESTS_PER_SECOND) -> None:
        if requests_per_second <= 0:
            raise ValueError("requests_per_second must be positive")
        self.state_path = state_path
        self.interval = SAFETY_MARGIN / requests_per_second
        state_path.parent.mkdir(parents=True, exist_ok=True)

    def _claim_slot(self) -> float:
        fd = os.open(self.state_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            stored = os.pread(fd, _SLOT.size, 0)
            now = time.time()
            next_free = _SLOT.unpack(stored)[0] if len(stored) == _SLOT.size else now
            # A slot far in the future means a clock jump or a stale file, not real traffic.
            if next_free > now + 60 * self.interval:
                next_free = now
            slot = max(now, next_free)
            os.pwrite(fd, _SLOT.pack(slot + self.interval), 0)
            return slot
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def wait(self) -> None:
        """Block until this process may send its next request."""
        delay = self._claim_slot() - time.time()
        if delay > 0:
            time.sleep(delay)


class NoRateLimit:
    """For a loopback mirror in benchmarks only; never the default."""

    def wait(self) -> None:
        return None
