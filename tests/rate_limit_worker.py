"""A process of the rate-limit test: a client with threads, sharing one limiter file with its sibling processes.

Kept apart from the test module so a spawned process imports only the client, not the suite's fixtures (Dagster):
four interpreters importing Dagster on 2 cores delayed the first processes' sends by 0.4 s, which measured the
test's start-up, not the limiter.
"""

from concurrent.futures import ThreadPoolExecutor
from multiprocessing.synchronize import Barrier
from pathlib import Path

from transforms.edgar_client import ClientSettings, EdgarClient
from transforms.rate_limit import SharedRateLimiter


def fetch_many(
    user_agent: str, base_url: str, state_path: str, path: str, threads: int, requests: int, start: Barrier
) -> None:
    """Once every process is ready, send `requests` GETs of `path` from `threads` threads."""
    limiter = SharedRateLimiter(Path(state_path))
    client = EdgarClient(ClientSettings(user_agent=user_agent, base_url=base_url), limiter)
    start.wait(timeout=60)
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(client.get, [path] * requests))
