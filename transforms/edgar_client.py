"""HTTP access to EDGAR (or a mirror of it) under SEC's fair-access rules.

One place holds the rules: a declared User-Agent with a contact e-mail, a rate limit shared across
processes, back-off on 429/503 that honours `Retry-After`, timeouts, a size cap and gzip.
"""

import email.utils
import os
import random
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import requests
import urllib3

from transforms.rate_limit import NoRateLimit, SharedRateLimiter

DEFAULT_BASE_URL = "https://www.sec.gov"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
USER_AGENT_HELP = (
    "SEC requires a declared User-Agent naming you and a contact e-mail. "
    "Set EDGAR_USER_AGENT, e.g. export EDGAR_USER_AGENT='Jane Analyst jane@example.com'."
)


class MissingUserAgentError(ValueError):
    """No usable User-Agent: SEC blocks undeclared clients, so we refuse to start without one."""


class FetchError(Exception):
    """A request that did not yield the file; `reason` is a stable code recorded in ingest_failures."""

    def __init__(
        self,
        reason: str,
        detail: str,
        url: str,
        status: int | None = None,
        retry_after: float | None = None,
        no_connection: str | None = None,
    ) -> None:
        super().__init__(f"{reason}: {detail} ({url})")
        self.reason = reason
        self.detail = detail
        self.url = url
        self.status = status
        self.retry_after = retry_after
        self.no_connection = no_connection  # why no connection was made (refused, no DNS, connect timeout), if so


def _no_connection(error: BaseException) -> str | None:
    """Why no connection could be made ('[Errno 111] Connection refused', 'Failed to resolve …'), or None when one
    was made and then reset or went silent: only the first says the host is down."""
    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError):
            return str(current).split("): ", 1)[-1]
        pending += [current.__cause__, current.__context__, *current.args, getattr(current, "reason", None)]
    return None


class NotFoundError(FetchError):
    """HTTP 404: the file is not (or not yet) on EDGAR."""


class HostUnreachableError(FetchError):
    """No connection to the host could be made several times in a row (refused, no DNS, connect timeout).

    The client then fails every later request at once with this error, so a run over a dead host ends in seconds
    instead of retrying each file for minutes; callers record it like any failure and the run says it failed.
    """

    def __init__(self, base_url: str, attempts: int, detail: str) -> None:
        super().__init__("host_unreachable", f"{attempts} connection attempts in a row failed: {detail}", base_url)
        self.base_url = base_url


@dataclass(frozen=True)
class ClientSettings:
    """How to reach EDGAR. Every field has the live SEC default except the User-Agent, which is yours."""

    user_agent: str
    base_url: str = DEFAULT_BASE_URL
    connect_timeout_seconds: float = 10.0
    read_timeout_seconds: float = 60.0
    max_bytes: int = 64 * 1024 * 1024
    max_attempts: int = 6
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 600.0
    # Connection attempts failing in a row (across the client's threads) before the host is declared unreachable.
    unreachable_after: int = 3


def validate_user_agent(user_agent: str | None) -> str:
    """Return the User-Agent, or raise MissingUserAgentError saying what to set."""
    if not user_agent or not user_agent.strip():
        raise MissingUserAgentError(f"EDGAR_USER_AGENT is not set. {USER_AGENT_HELP}")
    if not _EMAIL.search(user_agent):
        raise MissingUserAgentError(f"EDGAR_USER_AGENT {user_agent!r} has no contact e-mail. {USER_AGENT_HELP}")
    return user_agent.strip()


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class EdgarClient:
    """GET files from EDGAR by path; returns decoded bytes or raises FetchError.

    Safe to share between threads: each thread gets its own HTTP session (connection pool), and every
    request of every thread and process still takes its slot from the one shared rate limiter.
    """

    def __init__(self, settings: ClientSettings, limiter: SharedRateLimiter | NoRateLimit) -> None:
        self.settings = settings
        self.user_agent = validate_user_agent(settings.user_agent)
        self.limiter = limiter
        self._local = threading.local()
        self._sent_lock = threading.Lock()
        self.requests_sent = 0
        self._failed_connections = 0
        self.unreachable: HostUnreachableError | None = None

    def __getstate__(self) -> dict[str, object]:
        """Picklable for worker processes: sessions and locks are per process and made afresh there."""
        state = dict(self.__dict__)
        del state["_local"], state["_sent_lock"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._local = threading.local()
        self._sent_lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        """This thread's session: `requests.Session` is not safe to share between threads."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update({"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"})
            # Proxy and CA-bundle variables are read once here instead of on every request (a quarter of the
            # client's CPU per request); HTTPS_PROXY, NO_PROXY and REQUESTS_CA_BUNDLE still apply.
            session.proxies.update(requests.utils.get_environ_proxies(self.settings.base_url))
            session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
            session.trust_env = False
            self._local.session = session
        return session

    def url_for(self, path: str) -> str:
        return f"{self.settings.base_url.rstrip('/')}/{path.lstrip('/')}"

    def get(self, path: str, deadline: float | None = None) -> bytes:
        """Fetch one file, retrying what is worth retrying, honouring Retry-After. With a `deadline` (a
        `time.monotonic()` value) no attempt waits past it and no retry starts that could not: FetchError `deadline`
        instead, so a caller on a schedule (a feed poll) is never held longer than its own interval."""
        url = self.url_for(path)
        last_error: FetchError | None = None
        for attempt in range(1, self.settings.max_attempts + 1):
            if self.unreachable is not None:
                raise self.unreachable
            try:
                return self._get_once(url, self._time_left(deadline, url, last_error))
            except NotFoundError:
                raise
            except FetchError as error:
                self._count_connection(error)
                if error.reason not in {"http_429", "http_503", "http_5xx", "timeout", "connection", "truncated"}:
                    raise
                last_error = error
                if attempt == self.settings.max_attempts:
                    break
                pause = self._backoff(attempt, error)
                if deadline is not None and time.monotonic() + pause >= deadline:
                    raise self._past_deadline(url, error) from None
                time.sleep(pause)
        assert last_error is not None
        raise FetchError(
            "retries_exhausted",
            f"{last_error.reason} after {self.settings.max_attempts} attempts: {last_error.detail}",
            url,
            last_error.status,
        )

    def _time_left(self, deadline: float | None, url: str, last_error: FetchError | None) -> float | None:
        """Seconds left before `deadline` (None: no deadline); FetchError `deadline` when none are."""
        if deadline is None:
            return None
        left = deadline - time.monotonic()
        if left <= 0:
            raise self._past_deadline(url, last_error)
        return left

    @staticmethod
    def _past_deadline(url: str, last_error: FetchError | None) -> FetchError:
        since = f" (the last attempt: {last_error.reason}, {last_error.detail})" if last_error is not None else ""
        return FetchError("deadline", f"no answer within the caller's deadline{since}", url)

    def _count_connection(self, error: FetchError) -> None:
        """Count connection attempts failing in a row; at `unreachable_after`, declare the host unreachable."""
        with self._sent_lock:
            if not error.no_connection:
                self._failed_connections = 0
                return
            self._failed_connections += 1
            if self._failed_connections >= self.settings.unreachable_after and self.unreachable is None:
                self.unreachable = HostUnreachableError(
                    self.settings.base_url, self._failed_connections, error.no_connection
                )
        if self.unreachable is not None:
            raise self.unreachable

    def _backoff(self, attempt: int, error: FetchError) -> float:
        if error.retry_after is not None:
            return min(error.retry_after, self.settings.max_backoff_seconds)
        exponential = self.settings.backoff_seconds * 2 ** (attempt - 1)
        return min(exponential * (0.5 + random.random() / 2), self.settings.max_backoff_seconds)

    def _get_once(self, url: str, time_left: float | None = None) -> bytes:
        # Everything but the send happens before the rate-limit slot: a thread's first request builds its session
        # and the request itself, which on a loaded machine took long enough to land the request on the wire next
        # to the ones of the following slots.
        session = self.session
        request = session.prepare_request(requests.Request("GET", url))
        options = session.merge_environment_settings(request.url, {}, True, None, None)
        timeout = (self.settings.connect_timeout_seconds, self.settings.read_timeout_seconds)
        if time_left is not None:
            timeout = (min(timeout[0], time_left), min(timeout[1], time_left))
        self.limiter.wait()
        with self._sent_lock:
            self.requests_sent += 1
        try:
            with session.send(request, timeout=timeout, allow_redirects=False, **options) as response:
                with self._sent_lock:
                    self._failed_connections = 0  # the host answered
                self._raise_for_status(response, url)
                return self._read_capped(response, url)
        except requests.exceptions.Timeout as error:
            raise FetchError("timeout", str(error), url, no_connection=_no_connection(error)) from error
        except requests.exceptions.ChunkedEncodingError as error:
            raise FetchError("truncated", f"the body ended early: {error}", url) from error
        except requests.exceptions.ConnectionError as error:
            raise FetchError("connection", str(error), url, no_connection=_no_connection(error)) from error
        except requests.exceptions.ContentDecodingError as error:
            raise FetchError("truncated", f"the compressed body is damaged: {error}", url) from error

    def _raise_for_status(self, response: requests.Response, url: str) -> None:
        status = response.status_code
        if status == 200:
            return
        if status == 404:
            raise NotFoundError("http_404", "not found", url, status)
        reason = {429: "http_429", 503: "http_503"}.get(status, "http_5xx" if status >= 500 else f"http_{status}")
        detail = f"HTTP {status}"
        if status == 403:
            detail += " (SEC refuses undeclared or abusive clients: check EDGAR_USER_AGENT and the request rate)"
        raise FetchError(reason, detail, url, status, retry_after_seconds(response.headers.get("Retry-After")))

    def _read_capped(self, response: requests.Response, url: str) -> bytes:
        declared = response.headers.get("Content-Length", "")
        plain = "Content-Encoding" not in response.headers
        if plain and declared.isdigit() and int(declared) > self.settings.max_bytes:
            raise FetchError("too_large", f"{int(declared):,} bytes declared", url, response.status_code)
        chunks: list[bytes] = []
        received = 0
        for chunk in response.iter_content(chunk_size=64 * 1024):
            received += len(chunk)
            if received > self.settings.max_bytes:
                raise FetchError("too_large", f"more than {self.settings.max_bytes:,} bytes", url, 200)
            chunks.append(chunk)
        return b"".join(chunks)
