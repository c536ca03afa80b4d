"""Worker processes for the large runs: forked from a bare server process, and only when the run is large enough.

Forking the step's own process, which already runs Polars' and DuckDB's thread pools, can deadlock the child. A
spawned child imports the parent's main module first (the CLI or Dagster's run worker: 2.5 s, twice over on 2
cores, for each pool of a run). So workers come from Python's fork server, started fresh (exec'd, single-threaded)
with nothing preloaded: each child imports only what its task needs (0.6 to 0.9 s). Where there is no fork server
(Windows), they are spawned.
"""

import multiprocessing
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

# Below this, starting workers costs more than they save: the run stays in the step's own process.
MIN_FILINGS_FOR_PROCESSES = 10_000


def _worker_context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Preloading would import the main module (and its thread pools) into the server that every worker forks from.
    context.set_forkserver_preload([])
    return context


def _leave_ctrl_c_to_the_parent() -> None:
    """Workers ignore SIGINT: Ctrl-C reaches the terminal's whole process group, and a worker that took it would
    print its own traceback. The parent stops the pool instead (`worker_pool`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def worker_pool(processes: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of `processes` workers; on an exception (Ctrl-C among them) the tasks not started are dropped, not
    run to the end before the error reaches the caller."""
    pool = ProcessPoolExecutor(
        max_workers=processes, mp_context=_worker_context(), initializer=_leave_ctrl_c_to_the_parent
    )
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
