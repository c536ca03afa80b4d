"""Dagster resources: where the warehouse lives and how EDGAR is reached.

Every setting is a resource field; unset fields fall back to an environment variable read when the resource is
used (never at import), then to the embedded default.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from orchestration.data_folder import DataFolder
from orchestration.history_load import is_history_load
from orchestration.settings import (
    DEFAULT_DATA_DIR,
    check_base_url,
    check_count,
    check_data_dir,
    check_rate,
    check_user_agent,
)
from orchestration.warehouse_connection import kept_open
from transforms.edgar_client import DEFAULT_BASE_URL, ClientSettings, EdgarClient
from transforms.rate_limit import SEC_MAX_REQUESTS_PER_SECOND, SharedRateLimiter
from transforms.raw_archive import RawArchive


def _setting(value: str | None, variable: str) -> str | None:
    """The resource field when set, else the environment variable, else None."""
    if value not in (None, ""):
        return value
    text = os.environ.get(variable, "").strip()
    return text or None


def _process_count(configured: int | None, variable: str) -> int:
    """The resource field, else the environment variable, else one process per CPU."""
    setting = configured if configured is not None else _setting(None, variable)
    return check_count(setting, variable) if setting is not None else os.cpu_count() or 1


class StorageResource(dg.ConfigurableResource):
    """The data folder: private warehouse file, published read copy, raw archive, the shared rate-limit slot."""

    data_dir: str | None = None  # INSIDER_DATA_DIR, default ./data

    @property
    def root(self) -> Path:
        return check_data_dir(_setting(self.data_dir, "INSIDER_DATA_DIR") or DEFAULT_DATA_DIR)

    @property
    def warehouse_path(self) -> Path:
        return DataFolder(self.root).warehouse

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["StorageResource"]:
        """The warehouse stays open for the run (or the step, where each step is its own process): the blocks
        one step read are still in DuckDB's buffers for the next (`warehouse_connection.kept_open`). A run loading
        history opens it under the history load's memory limit, as `insider-warehouse f345` does."""
        with kept_open(self.warehouse_path, history_load=is_history_load(context.run)):
            yield self

    @property
    def published_path(self) -> Path:
        """The read copy for analysts and notebooks (replaced atomically after each successful run)."""
        return DataFolder(self.root).published

    @property
    def raw_archive(self) -> RawArchive:
        return RawArchive(DataFolder(self.root).raw / "submissions")

    @property
    def index_cache(self) -> Path:
        return DataFolder(self.root).raw / "index"

    @property
    def rate_state_path(self) -> Path:
        return self.root / "state" / "edgar-rate-limit.slot"


class ParsingResource(dg.ConfigurableResource):
    """How many processes parse submissions: parsing is CPU-bound Python, so threads would not help."""

    workers: int | None = None  # INSIDER_PARSE_WORKERS, default one per CPU

    def resolved_workers(self) -> int:
        return _process_count(self.workers, "INSIDER_PARSE_WORKERS")


class EdgarResource(dg.ConfigurableResource):
    """An EDGAR client honouring SEC fair access: declared User-Agent, ≤ 10 requests/second across processes.

    https://www.sec.gov/os/accessing-edgar-data: "current max request rate: 10 requests/second" and a
    User-Agent declaring who you are with a contact e-mail.
    """

    user_agent: str | None = None  # EDGAR_USER_AGENT, required: "Company Name admin@example.com"
    base_url: str | None = None  # EDGAR_BASE_URL, default https://www.sec.gov
    requests_per_second: float | None = None  # EDGAR_REQUESTS_PER_SECOND, default 10 (above 10 only on loopback)
    max_attempts: int = 6  # per request, for 429/503/5xx/timeouts/connection errors
    backoff_seconds: float = 1.0  # first wait when the server gives no Retry-After; doubles per attempt
    read_timeout_seconds: float = 60.0  # a server silent this long is retried
    fetch_workers: int = 4  # concurrent requests per process: overlaps network waits; the rate limit binds them all
    fetch_processes: int | None = None  # EDGAR_FETCH_PROCESSES, default one per CPU (used from 10,000 filings)

    def resolved_fetch_processes(self) -> int:
        return _process_count(self.fetch_processes, "EDGAR_FETCH_PROCESSES")

    def resolved_base_url(self) -> str:
        return check_base_url(_setting(self.base_url, "EDGAR_BASE_URL") or DEFAULT_BASE_URL)

    def resolved_rate(self) -> float:
        """Requests per second: EDGAR_REQUESTS_PER_SECOND, at most the SEC's 10 unless the base URL is loopback."""
        configured_rate = self.requests_per_second or _setting(None, "EDGAR_REQUESTS_PER_SECOND")
        return check_rate(configured_rate or SEC_MAX_REQUESTS_PER_SECOND, self.resolved_base_url())

    def client(self, storage: StorageResource) -> EdgarClient:
        """A client whose rate limit is shared by every process using the same data folder."""
        base_url = self.resolved_base_url()
        rate = self.resolved_rate()
        settings = ClientSettings(
            user_agent=check_user_agent(_setting(self.user_agent, "EDGAR_USER_AGENT")),
            base_url=base_url,
            max_attempts=self.max_attempts,
            backoff_seconds=self.backoff_seconds,
            read_timeout_seconds=self.read_timeout_seconds,
        )
        return EdgarClient(settings, SharedRateLimiter(storage.rate_state_path, rate))
