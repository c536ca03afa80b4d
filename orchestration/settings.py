"""Every setting the project reads from the environment, read and checked in one place before anything starts.

`read_settings` is the only reader of the environment: the doors (the CLI's `run_command`, the Dagster definitions)
call it once and hand the `Settings` on, to the resources (`orchestration/resources.py`, `resources_for`) and to
what the process itself keeps (`process_settings`: the warehouse's memory limit and lock wait, the profile file).

A mistake in a setting is the user's to fix: it is refused with one line that names the variable, says what was
wrong and gives a valid example (`SettingError`), never a traceback from deep inside a run.
"""

import math
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlparse

import duckdb

from transforms.edgar_client import DEFAULT_BASE_URL, MissingUserAgentError, validate_user_agent
from transforms.rate_limit import SEC_MAX_REQUESTS_PER_SECOND
from transforms.vehicle_overrides import OverridesError, parse_overrides
from transforms.vehicles import Override

DEFAULT_DATA_DIR = "data"
# An analyst's vehicle corrections (transforms/vehicle_overrides.py), versioned with the project.
DEFAULT_VEHICLE_OVERRIDES = Path(__file__).resolve().parent.parent / "overrides" / "vehicles.csv"
DEFAULT_LOCK_WAIT_SECONDS = 120.0
# A worker count beyond this is a typo, not a machine.
MAX_WORKERS = 256


class SettingError(ValueError):
    """A setting or argument the user can fix; its message is one line naming it, with a valid example."""


def _text(environment: Mapping[str, str], name: str) -> str | None:
    value = environment.get(name)
    return value.strip() if value and value.strip() else None


def is_loopback_url(url: str) -> bool:
    """True for http(s)://127.x.x.x, ::1 or localhost: a mirror of the project's own, not SEC."""
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(value: str, name: str = "EDGAR_BASE_URL") -> str:
    """An http(s) URL with a host and nothing after the path: EDGAR's paths are appended to it."""
    parsed = urlparse(value)
    example = f"e.g. {name}={DEFAULT_BASE_URL} or http://127.0.0.1:8765 for a mirror"
    if parsed.scheme not in ("http", "https"):
        raise SettingError(f"{name}={value!r} must start with http:// or https:// ({example})")
    try:
        parsed.port  # noqa: B018 - a bad port raises here
    except ValueError as error:
        raise SettingError(f"{name}={value!r} has a bad port: {error} ({example})") from None
    if not parsed.hostname:
        raise SettingError(f"{name}={value!r} names no host ({example})")
    if parsed.query or parsed.fragment:
        raise SettingError(f"{name}={value!r} must not carry a query or fragment ({example})")
    return value.rstrip("/")


def check_rate(value: str | float, base_url: str, name: str = "EDGAR_REQUESTS_PER_SECOND") -> float:
    """A positive request rate, at most SEC's 10/s unless the base URL is a loopback mirror."""
    example = f"e.g. {name}=5"
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise SettingError(f"{name}={value!r} is not a number ({example})") from None
    if not math.isfinite(rate) or rate <= 0:
        raise SettingError(f"{name}={value!r} must be a positive number of requests per second ({example})")
    if rate > SEC_MAX_REQUESTS_PER_SECOND and not is_loopback_url(base_url):
        raise SettingError(
            f"{name}={value!r} exceeds SEC's fair-access limit of {SEC_MAX_REQUESTS_PER_SECOND:g} requests/second "
            f"for {base_url}; only a loopback mirror may be read faster ({example})"
        )
    return rate


@cache
def check_memory_limit(value: str, name: str = "INSIDER_DUCKDB_MEMORY_LIMIT") -> str:
    """A size DuckDB itself accepts as `memory_limit` (asked of an in-memory DuckDB, so the rule is DuckDB's)."""
    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*[A-Za-z]{1,3}\s*", value):
        raise SettingError(f"{name}={value!r} is not a size (e.g. {name}=4GB or 512MB)")
    try:
        duckdb.connect(":memory:", config={"memory_limit": value}).close()
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0]
        raise SettingError(f"{name}={value!r} is refused by DuckDB: {first_line} (e.g. {name}=4GB)") from None
    return value


def check_whole_number(value: str | int, name: str, highest: int, example: int = 2) -> int:
    """A whole number from 1 to `highest`."""
    try:
        count = int(str(value).strip())
    except ValueError:
        raise SettingError(f"{name}={value!r} is not a whole number (e.g. {name}={example})") from None
    if not 1 <= count <= highest:
        raise SettingError(f"{name}={value!r} must be between 1 and {highest} (e.g. {name}={example})")
    return count


def check_count(value: str | int, name: str) -> int:
    """A whole number of workers between 1 and MAX_WORKERS."""
    return check_whole_number(value, name, MAX_WORKERS)


# The oldest an alert may be, in days before the newest filing, and still be posted: up to a year.
MAX_ALERT_AGE_DAYS = 366
# Posts of one alert before the webhook is taken to be down.
MAX_ALERT_ATTEMPTS = 20


def check_seconds(value: str | float, name: str, positive: bool = False) -> float:
    """A finite number of seconds: zero or more, or with `positive` more than zero."""
    least = "more than zero" if positive else "zero or more"
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise SettingError(f"{name}={value!r} is not a number of seconds (e.g. {name}=300)") from None
    if not math.isfinite(seconds) or seconds < 0 or (positive and seconds == 0):
        raise SettingError(f"{name}={value!r} must be {least} seconds (e.g. {name}=300)")
    return seconds


def check_data_dir(value: str, name: str = "INSIDER_DATA_DIR") -> Path:
    path = Path(value).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise SettingError(f"{name}={value!r} is a file, not a folder (e.g. {name}=/srv/insider-data)")
    return path


def check_writable_folder(path: Path, name: str = "INSIDER_DATA_DIR") -> None:
    """The folder exists (made if need be) and a file can be created in it: a run that could not write would fail
    only after fetching, so a read-only filesystem or a folder of someone else's is refused before anything starts."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=path, prefix=".write-check-")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise SettingError(
            f"{name}={str(path)!r} cannot be written ({error.strerror}): the warehouse, its raw archive and the "
            f"Dagster instance live there; point {name} at a folder you can write (e.g. {name}=$HOME/insider-data)"
        ) from None


def check_user_agent(value: str | None) -> str:
    try:
        return validate_user_agent(value)
    except MissingUserAgentError as error:
        raise SettingError(str(error)) from None


# Rule 16a-3 electronic filing became mandatory on 2003-06-30; XML ownershipDocuments start then.
FIRST_XML_OWNERSHIP_DAY = date(2003, 6, 30)


def check_day_range(first: date, last: date, today: date, start_given: bool = True, end_given: bool = True) -> None:
    """A range of finished New York days from the first XML ownership day on, start before end; `today` is New
    York's. The `*_given` flags say which ends the user typed, so a refusal names what they wrote."""
    yesterday = today - timedelta(days=1)
    end = f"--end {last}" if end_given else f"the default --end {last} (yesterday in New York)"
    start = f"--start {first}" if start_given else f"the default --start {first}"
    if last > yesterday:
        raise SettingError(
            f"{end} has not ended in New York yet; the last day to ingest is {yesterday} (e.g. --end {yesterday})"
        )
    if first < FIRST_XML_OWNERSHIP_DAY:
        raise SettingError(
            f"{start} is before {FIRST_XML_OWNERSHIP_DAY}, the first day of XML ownership filings on EDGAR "
            f"(e.g. --start {FIRST_XML_OWNERSHIP_DAY})"
        )
    if first > last:
        raise SettingError(f"{start} is after {end}; the start must not be after the end (e.g. --start {last})")


_OVERRIDE_EXAMPLE = (
    "e.g. the row 0001828108-24-000116,holdings,non_derivative,4,new_vehicle,,,,,a second account under the "
    "header of overrides/vehicles.csv"
)


def read_vehicle_overrides(path: Path) -> list[Override]:
    """The overrides file's corrections; a missing default file means none, anything wrong is a SettingError."""
    if not path.is_file():
        if path == DEFAULT_VEHICLE_OVERRIDES:
            return []
        raise SettingError(f"INSIDER_VEHICLE_OVERRIDES={path}: no such file; point it at a CSV, {_OVERRIDE_EXAMPLE}")
    try:
        return parse_overrides(path.read_text(encoding="utf-8"), str(path))
    except (OverridesError, UnicodeDecodeError) as error:
        raise SettingError(f"INSIDER_VEHICLE_OVERRIDES: {error}; {_OVERRIDE_EXAMPLE}") from None


MEMORY_LIMIT_VARIABLE = "INSIDER_DUCKDB_MEMORY_LIMIT"
LOCK_WAIT_VARIABLE = "INSIDER_LOCK_WAIT_SECONDS"
FEED_INTERVAL_VARIABLE = "INSIDER_FEED_INTERVAL_SECONDS"
PROFILE_VARIABLE = "INSIDER_PROFILE"
# How often EDGAR's latest-filings feed is polled unless INSIDER_FEED_INTERVAL_SECONDS or --interval says otherwise.
DEFAULT_FEED_INTERVAL_SECONDS = 60.0


ALERT_WEBHOOK_VARIABLE = "INSIDER_ALERT_WEBHOOK"


@dataclass(frozen=True)
class AlertWebhook:
    """Where and how alerts are posted. A post is tried `attempts` times, `backoff_seconds` doubling between tries;
    alerts on filings more than `max_age_days` older than the newest filing the warehouse holds are kept in `alerts`
    but not posted (a history load would otherwise post every firing of years)."""

    url: str
    attempts: int = 3
    backoff_seconds: float = 2.0
    timeout_seconds: float = 10.0
    max_age_days: int = 3


def alert_webhook_setting(env: Mapping[str, str]) -> AlertWebhook | None:
    """INSIDER_ALERT_WEBHOOK and its INSIDER_ALERT_* companions, checked; None when no webhook is set."""
    url = _text(env, ALERT_WEBHOOK_VARIABLE)
    if url is None:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise SettingError(
            f"{ALERT_WEBHOOK_VARIABLE} must be an http(s) URL with a host "
            f"(e.g. {ALERT_WEBHOOK_VARIABLE}=https://hooks.slack.com/services/T000/B000/XXXX)"
        )
    attempts = _text(env, "INSIDER_ALERT_ATTEMPTS")
    backoff = _text(env, "INSIDER_ALERT_BACKOFF_SECONDS")
    timeout = _text(env, "INSIDER_ALERT_TIMEOUT_SECONDS")
    max_age = _text(env, "INSIDER_ALERT_MAX_AGE_DAYS")
    default = AlertWebhook(url)
    return AlertWebhook(
        url=url,
        attempts=check_whole_number(attempts, "INSIDER_ALERT_ATTEMPTS", MAX_ALERT_ATTEMPTS, 3)
        if attempts
        else default.attempts,
        backoff_seconds=check_seconds(backoff, "INSIDER_ALERT_BACKOFF_SECONDS") if backoff else default.backoff_seconds,
        timeout_seconds=check_seconds(timeout, "INSIDER_ALERT_TIMEOUT_SECONDS") if timeout else default.timeout_seconds,
        max_age_days=check_whole_number(max_age, "INSIDER_ALERT_MAX_AGE_DAYS", MAX_ALERT_AGE_DAYS, 3)
        if max_age
        else default.max_age_days,
    )


@dataclass(frozen=True)
class Settings:
    """The environment's settings, checked. None means "the built-in default" where one is computed later."""

    data_dir: Path
    base_url: str = DEFAULT_BASE_URL
    requests_per_second: float = SEC_MAX_REQUESTS_PER_SECOND
    user_agent: str | None = None
    memory_limit: str | None = None
    fetch_processes: int | None = None
    parse_workers: int | None = None
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS
    vehicle_overrides_path: Path = DEFAULT_VEHICLE_OVERRIDES
    vehicle_overrides: tuple[Override, ...] = ()
    alert_webhook: AlertWebhook | None = None
    feed_interval_seconds: float = DEFAULT_FEED_INTERVAL_SECONDS
    profile_path: Path | None = None

    def with_user_agent(self) -> "Settings":
        """These settings, refused unless they declare who is asking (SEC fair access): before anything fetches."""
        check_user_agent(self.user_agent)
        return self


def read_settings(environment: Mapping[str, str] | None = None, need_user_agent: bool = False) -> Settings:
    """Read and check every setting the project has; raise SettingError for the first one that is wrong."""
    env = os.environ if environment is None else environment
    base_url = check_base_url(_text(env, "EDGAR_BASE_URL") or DEFAULT_BASE_URL)
    user_agent = _text(env, "EDGAR_USER_AGENT")
    if need_user_agent or user_agent is not None:
        user_agent = check_user_agent(user_agent)
    fetch_processes = _text(env, "EDGAR_FETCH_PROCESSES")
    parse_workers = _text(env, "INSIDER_PARSE_WORKERS")
    memory_limit = _text(env, MEMORY_LIMIT_VARIABLE)
    lock_wait = _text(env, LOCK_WAIT_VARIABLE)
    feed_interval = _text(env, FEED_INTERVAL_VARIABLE)
    profile = _text(env, PROFILE_VARIABLE)
    overrides_path = Path(_text(env, "INSIDER_VEHICLE_OVERRIDES") or DEFAULT_VEHICLE_OVERRIDES)
    return Settings(
        data_dir=check_data_dir(_text(env, "INSIDER_DATA_DIR") or DEFAULT_DATA_DIR),
        base_url=base_url,
        requests_per_second=check_rate(
            _text(env, "EDGAR_REQUESTS_PER_SECOND") or SEC_MAX_REQUESTS_PER_SECOND, base_url
        ),
        user_agent=user_agent,
        memory_limit=check_memory_limit(memory_limit) if memory_limit else None,
        fetch_processes=check_count(fetch_processes, "EDGAR_FETCH_PROCESSES") if fetch_processes else None,
        parse_workers=check_count(parse_workers, "INSIDER_PARSE_WORKERS") if parse_workers else None,
        lock_wait_seconds=check_seconds(lock_wait, LOCK_WAIT_VARIABLE) if lock_wait else DEFAULT_LOCK_WAIT_SECONDS,
        vehicle_overrides_path=overrides_path,
        vehicle_overrides=tuple(read_vehicle_overrides(overrides_path)),
        alert_webhook=alert_webhook_setting(env),
        feed_interval_seconds=check_seconds(feed_interval, FEED_INTERVAL_VARIABLE)
        if feed_interval
        else DEFAULT_FEED_INTERVAL_SECONDS,
        profile_path=Path(profile) if profile else None,
    )
