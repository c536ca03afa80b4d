"""Worker processes for the large runs: started with `spawn`, and only when the run is large enough to repay them.

Forking a process that already runs Polars' and DuckDB's thread pools can deadlock the child, so workers are
spawned; each imports the caller's main module (Dagster), about 2 s, so a run below MIN_FILINGS_FOR_PROCESSES
is faster in the step's own process.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

MIN_FILINGS_FOR_PROCESSES = 10_000


def spawned_pool(processes: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"))
