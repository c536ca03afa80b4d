"""Worker processes for the large runs: forked from a bare server process, and only when the run is large enough.

Forking the step's own process, which already runs Polars' and DuckDB's thread pools, can deadlock the child. A
spawned child imports the parent's main module first (the CLI or Dagster's run worker: 2.5 s, twice over on 2
cores, for each pool of a run). So workers come from Python's fork server, started fresh (exec'd, single-threaded)
with nothing preloaded: each child imports only what its task needs (0.6 to 0.9 s). Where there is no fork server
(Windows), they are spawned.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

# Below this, starting workers costs more than they save: the run stays in the step's own process.
MIN_FILINGS_FOR_PROCESSES = 10_000


def _worker_context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Preloading would import the main module (and its thread pools) into the server that every worker forks from.
    context.set_forkserver_preload([])
    return context


def worker_pool(processes: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=processes, mp_context=_worker_context())
