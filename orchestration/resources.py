"""Dagster resources: where the warehouse lives, how EDGAR is reached, where alerts go.

The settings are read once, at a door (`insider-warehouse`'s commands, the Dagster definitions), and handed here:
`resources_for(settings)` makes the resources of a run, `process_settings(settings)` hands the process what it keeps
for every warehouse it opens. A resource field left unset is the built-in default; no resource reads the
environment.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from orchestration.data_folder import DataFolder
from orchestration.history_load import is_history_load
from orchestration.run_profile import profiling_to
from orchestration.settings import (
    DEFAULT_DATA_DIR,
    DEFAULT_FEED_INTERVAL_SECONDS,
    DEFAULT_LOCK_WAIT_SECONDS,
    DEFAULT_VEHICLE_OVERRIDES,
    AlertWebhook,
    Settings,
    check_base_url,
    check_count,
    check_data_dir,
    check_rate,
    check_user_agent,
)
from orchestration.warehouse_connection import OpeningLimits, kept_open, opening_limits
from transforms.edgar_client import DEFAULT_BASE_URL, ClientSettings, EdgarClient
from transforms.rate_limit import SEC_MAX_REQUESTS_PER_SECOND, SharedRateLimiter
from transforms.raw_archive import RawArchive


def _process_count(configured: int | None, name: str) -> int:
    """The configured count, else one process per CPU."""
    return check_count(configured, name) if configured is not None else os.cpu_count() or 1


@contextmanager
def process_settings(settings: Settings) -> Iterator[None]:
    """Within the block, every warehouse this process opens is opened under the settings' memory limit and lock
    wait, and its profile (INSIDER_PROFILE) is appended to the settings' file."""
    limits = OpeningLimits(settings.memory_limit, settings.lock_wait_seconds)
    with opening_limits(limits), profiling_to(settings.profile_path):
        yield


class StorageResource(dg.ConfigurableResource):
    """The data folder: private warehouse file, published read copy, raw archive, the shared rate-limit slot; and
    how the warehouse in it is opened and corrected."""

    data_dir: str = DEFAULT_DATA_DIR  # INSIDER_DATA_DIR
    memory_limit: str | None = None  # INSIDER_DUCKDB_MEMORY_LIMIT, default a quarter of RAM (history: at most 2GB)
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS  # INSIDER_LOCK_WAIT_SECONDS
    vehicle_overrides: str = str(DEFAULT_VEHICLE_OVERRIDES)  # INSIDER_VEHICLE_OVERRIDES
    profile: str | None = None  # INSIDER_PROFILE: a file each SQL file's time and reads are appended to

    @property
    def root(self) -> Path:
        return check_data_dir(self.data_dir)

    @property
    def vehicle_overrides_path(self) -> Path:
        return Path(self.vehicle_overrides)

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
        return _process_count(self.workers, "workers")


class EdgarResource(dg.ConfigurableResource):
    """An EDGAR client honouring SEC fair access: declared User-Agent, ≤ 10 requests/second across processes.

    https://www.sec.gov/os/accessing-edgar-data: "current max request rate: 10 requests/second" and a
    User-Agent declaring who you are with a contact e-mail.
    """

    user_agent: str | None = None  # EDGAR_USER_AGENT, required to fetch: "Company Name admin@example.com"
    base_url: str = DEFAULT_BASE_URL  # EDGAR_BASE_URL
    requests_per_second: float = SEC_MAX_REQUESTS_PER_SECOND  # EDGAR_REQUESTS_PER_SECOND (above 10 only on loopback)
    max_attempts: int = 6  # per request, for 429/503/5xx/timeouts/connection errors
    backoff_seconds: float = 1.0  # first wait when the server gives no Retry-After; doubles per attempt
    read_timeout_seconds: float = 60.0  # a server silent this long is retried
    fetch_workers: int = 4  # concurrent requests per process: overlaps network waits; the rate limit binds them all
    fetch_processes: int | None = None  # EDGAR_FETCH_PROCESSES, default one per CPU (used from 10,000 filings)
    feed_interval_seconds: float = DEFAULT_FEED_INTERVAL_SECONDS  # INSIDER_FEED_INTERVAL_SECONDS: the feed's polls

    def resolved_fetch_processes(self) -> int:
        return _process_count(self.fetch_processes, "fetch_processes")

    def resolved_base_url(self) -> str:
        return check_base_url(self.base_url, "base_url")

    def resolved_rate(self) -> float:
        """Requests per second, at most the SEC's 10 unless the base URL is loopback."""
        return check_rate(self.requests_per_second, self.resolved_base_url(), "requests_per_second")

    def client(self, storage: StorageResource) -> EdgarClient:
        """A client whose rate limit is shared by every process using the same data folder."""
        base_url = self.resolved_base_url()
        rate = self.resolved_rate()
        settings = ClientSettings(
            user_agent=check_user_agent(self.user_agent),
            base_url=base_url,
            max_attempts=self.max_attempts,
            backoff_seconds=self.backoff_seconds,
            read_timeout_seconds=self.read_timeout_seconds,
        )
        return EdgarClient(settings, SharedRateLimiter(storage.rate_state_path, rate))


class AlertsResource(dg.ConfigurableResource):
    """Where alerts are posted (INSIDER_ALERT_WEBHOOK; none: kept in the warehouse, not posted) and how
    (`settings.AlertWebhook` says what each field does)."""

    webhook_url: str | None = None  # INSIDER_ALERT_WEBHOOK
    attempts: int = AlertWebhook.attempts  # INSIDER_ALERT_ATTEMPTS
    backoff_seconds: float = AlertWebhook.backoff_seconds  # INSIDER_ALERT_BACKOFF_SECONDS
    timeout_seconds: float = AlertWebhook.timeout_seconds  # INSIDER_ALERT_TIMEOUT_SECONDS
    max_age_days: int = AlertWebhook.max_age_days  # INSIDER_ALERT_MAX_AGE_DAYS

    def webhook(self) -> AlertWebhook | None:
        if not self.webhook_url:
            return None
        return AlertWebhook(
            self.webhook_url, self.attempts, self.backoff_seconds, self.timeout_seconds, self.max_age_days
        )


def resources_for(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    """The resources of a run under `settings`, keyed as the assets ask for them."""
    webhook = settings.alert_webhook
    alerts = (
        AlertsResource()
        if webhook is None
        else AlertsResource(
            webhook_url=webhook.url,
            attempts=webhook.attempts,
            backoff_seconds=webhook.backoff_seconds,
            timeout_seconds=webhook.timeout_seconds,
            max_age_days=webhook.max_age_days,
        )
    )
    return {
        "storage": StorageResource(
            data_dir=str(settings.data_dir),
            memory_limit=settings.memory_limit,
            lock_wait_seconds=settings.lock_wait_seconds,
            vehicle_overrides=str(settings.vehicle_overrides_path),
            profile=str(settings.profile_path) if settings.profile_path else None,
        ),
        "edgar": EdgarResource(
            user_agent=settings.user_agent,
            base_url=settings.base_url,
            requests_per_second=settings.requests_per_second,
            fetch_processes=settings.fetch_processes,
            feed_interval_seconds=settings.feed_interval_seconds,
        ),
        "parsing": ParsingResource(workers=settings.parse_workers),
        "alerts": alerts,
    }
