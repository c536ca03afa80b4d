"""SEC's 10 requests/second holds for the whole run, also when several processes fetch at once."""

import multiprocessing
import struct
import time
from pathlib import Path

from mirror.server import serve_in_background
from tests.conftest import FIXTURE_MIRROR, TEST_USER_AGENT
from tests.rate_limit_worker import fetch_many
from transforms.rate_limit import SEC_MAX_REQUESTS_PER_SECOND, WINDOW_MARGIN_SECONDS, SharedRateLimiter

PROCESSES = 4
THREADS_EACH = 3  # as `fetch_workers` does inside each step
REQUESTS_EACH = 12
PATH = "/Archives/edgar/daily-index/2025/QTR1/master.20250102.idx"


def most_in_any_second(times: list[float]) -> int:
    """The largest number of requests that arrived within any 1-second window."""
    times = sorted(times)
    most, start = 0, 0
    for end, arrived in enumerate(times):
        while arrived - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_most_in_any_second_counts_a_burst():
    assert most_in_any_second([0.0, 0.1, 0.2, 0.99, 1.0, 1.5]) == 4
    assert most_in_any_second([0.0] * 11) == 11


def test_threaded_processes_sharing_the_data_folder_stay_under_ten_per_second(tmp_path: Path):
    state = tmp_path / "state" / "edgar-rate-limit.slot"
    with serve_in_background([FIXTURE_MIRROR], wire_times=True) as server:
        context = multiprocessing.get_context("spawn")
        start = context.Barrier(PROCESSES)
        arguments = (TEST_USER_AGENT, server.base_url, str(state), PATH, THREADS_EACH, REQUESTS_EACH, start)
        workers = [context.Process(target=fetch_many, args=arguments) for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    arrivals = [seen.received_at for seen in server.seen]
    assert len(arrivals) == PROCESSES * REQUESTS_EACH
    assert most_in_any_second(arrivals) <= SEC_MAX_REQUESTS_PER_SECOND


def test_ten_requests_in_the_last_second_hold_back_the_eleventh_whatever_their_spacing(tmp_path: Path):
    # Ten slots over the last 0.95 s, as a late thread and an on-time one leave them: two almost together.
    state = tmp_path / "edgar-rate-limit.slot"
    now = time.time()
    taken = sorted([now - 0.95 + 0.1 * n for n in range(9)] + [now - 0.949])
    state.write_bytes(b"".join(struct.pack("<d", t) for t in taken))
    slot = SharedRateLimiter(state)._claim_slot()
    assert slot == taken[0] + 1.0 + WINDOW_MARGIN_SECONDS  # not taken[-1] + the spacing, which comes sooner
    assert slot - time.time() > 0.05
