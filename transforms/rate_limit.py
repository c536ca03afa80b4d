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
# A request recorded here reaches the server a moment later, and a thread descheduled in between (a loaded machine)
# arrives late, next to the request after it: so besides the spacing, no more than `rate` requests are recorded in
# any window this much longer than a second. Spacing alone let 11 arrive within a second on a busy machine.
WINDOW_MARGIN_SECONDS = 0.25
# The window is kept for rates up to this (SEC's 10/s and test rates); a loopback benchmark's rate has no window.
MAX_WINDOW_REQUESTS = 64
# How late after its slot a thread may still send, and how often it takes a new slot before sending regardless
# (a machine this overloaded delays the send itself as much).
LATE_WAKE_SECONDS = 0.02
MAX_RECLAIMS = 20
_TIME = struct.Struct("<d")


class SharedRateLimiter:
    """At most `rate` requests in any (1 + margin)-second window, each at least `SAFETY_MARGIN / rate` seconds after
    the last, across all processes using `state_path`.

    The file holds the slots (send times) of the last `rate` requests. A request reserves the first slot that keeps
    both rules, then sleeps until it: every waiting thread has its own slot, so none wake together to race for the
    next. Each claim opens the file afresh, and `flock` locks belong to the open file, so threads of one process
    exclude each other exactly as processes do.
    """

    def __init__(self, state_path: Path, requests_per_second: float = SEC_MAX_REQUESTS_PER_SECOND) -> None:
        if requests_per_second <= 0:
            raise ValueError("requests_per_second must be positive")
        self.state_path = state_path
        self.interval = SAFETY_MARGIN / requests_per_second
        whole = int(requests_per_second)
        self.window_requests = whole if 1 <= whole <= MAX_WINDOW_REQUESTS else 0
        self.window_seconds = 1.0 + WINDOW_MARGIN_SECONDS
        state_path.parent.mkdir(parents=True, exist_ok=True)

    def _claim_slot(self) -> float:
        kept = max(1, self.window_requests)
        fd = os.open(self.state_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            stored = os.pread(fd, _TIME.size * kept, 0)
            now = time.time()
            slots = sorted(sent for (sent,) in _TIME.iter_unpack(stored[: len(stored) - len(stored) % _TIME.size]))
            # Slots far in the future mean a clock jump or a stale file, not real traffic.
            if slots and slots[-1] > now + 60 * self.window_seconds:
                slots = []
            slot = max(now, slots[-1] + self.interval) if slots else now
            if self.window_requests and len(slots) >= self.window_requests:
                slot = max(slot, slots[-self.window_requests] + self.window_seconds)
            os.pwrite(fd, b"".join(_TIME.pack(sent) for sent in [*slots, slot][-kept:]), 0)
            return slot
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def wait(self) -> None:
        """Block until this process may send its next request.

        A thread that wakes well after its slot (a loaded machine did not run it in time) gives the slot up and
        takes a new one: sent late, it would reach the server next to the request of the slot after it.
        """
        for _ in range(MAX_RECLAIMS):
            slot = self._claim_slot()
            delay = slot - time.time()
            if delay > 0:
                time.sleep(delay)
            if time.time() - slot <= LATE_WAKE_SECONDS:
                return


class NoRateLimit:
    """For a loopback mirror in benchmarks only; never the default."""

    def wait(self) -> None:
        return None
