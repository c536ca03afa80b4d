"""Serve EDGAR-layout folders on 127.0.0.1, the way an EDGAR mirror would.

`https://www.sec.gov/Archives/edgar/data/...` maps to `<root>/Archives/edgar/data/...`. Several roots may be
stacked: the first that holds a file answers. A submission is answered under any CIK's folder, as EDGAR answers it
under the folder of each party it names (a Schedule 13G under its subject's and its filer's). Scripted faults
(status codes answered before the file) let tests and benchmarks exercise retries over real HTTP.
"""

import contextlib
import gzip
import re
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from mirror.fault_draws import FaultDraws
from mirror.feed import FEED_PATH, MirroredFeed


@dataclass(frozen=True)
class SeenRequest:
    """One request as the mirror received it (for tests: rate, headers)."""

    path: str
    user_agent: str | None
    accept_encoding: str | None
    received_at: float
    status: int
    target: str = ""  # the request line's target as sent: a full URL when the client went through a proxy


# A submission's path under a CIK's folder: what EDGAR answers under every party's CIK.
_SUBMISSION_PATH = re.compile(r"Archives/edgar/data/\d{1,10}/(\d{10}-\d{2}-\d{6}\.txt)")
# Linux's option for kernel receive times in nanoseconds (the socket module does not name it).
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
FAULT_KINDS = ("429", "429_no_retry_after", "503", "reset", "stall", "truncate", "corrupt_xml")


@dataclass
class FaultPlan:
    """Faults to inject: scripted per path (statuses answered before the file), and random at given rates.

    Random kinds: 429 (with Retry-After), 429_no_retry_after, 503, reset (connection dropped before any answer),
    stall (no answer for `stall_seconds`), truncate (half the body, then the connection closes), corrupt_xml (a
    submission served whole but with its XML damaged). Draws come from one seeded generator, so a run repeats.
    """

    statuses: dict[str, list[int]] = field(default_factory=dict)
    retry_after: str | None = "1"
    rates: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    stall_seconds: float = 3.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _draws: FaultDraws | None = None

    def __post_init__(self) -> None:
        self._draws = FaultDraws(FAULT_KINDS, self.rates, self.seed)

    def next_fault(self, path: str) -> int | None:
        with self._lock:
            queue = self.statuses.get(path)
            return queue.pop(0) if queue else None

    def draw(self) -> str | None:
        """The random fault for the next request, or None to answer normally."""
        assert self._draws is not None
        return self._draws.draw()


def corrupt_xml(body: bytes) -> bytes:
    """The submission with its XML cut mid-element (the kind of damage a bad proxy or disk causes)."""
    start = body.find(b"<ownershipDocument")
    if start < 0:
        return body
    middle = start + (body.find(b"</ownershipDocument>", start) - start) // 2
    return body[:middle] + b"<<damaged" + body[middle + 20 :]


# Gzipped bodies kept in memory (a generated 50,000-filing quarter is about 75 MB of them).
MAX_CACHED_BODIES = 100_000


class MirrorServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its roots, its fault plan and the requests it saw.

    `wire_times` (Linux): each request's `received_at` is when the kernel received it, not when a server thread got
    to it; the rate-limit test measures the client's pace with it, not this process's scheduling.
    """

    daemon_threads = True

    def __init__(
        self,
        roots: Iterable[Path],
        port: int = 0,
        faults: FaultPlan | None = None,
        wire_times: bool = False,
        feed: MirroredFeed | None = None,
    ) -> None:
        self.wire_times = wire_times and sys.platform == "linux"
        self.feed = feed  # the latest-filings feed of the filings held, if served
        self.roots = [Path(root).resolve() for root in roots]
        missing = [str(root) for root in self.roots if not root.is_dir()]
        if missing:
            raise FileNotFoundError(f"mirror roots are not folders: {', '.join(missing)}")
        self.faults = faults or FaultPlan()
        self.seen: list[SeenRequest] = []
        self._seen_lock = threading.Lock()
        self._gzipped: dict[tuple[Path, int, int], bytes] = {}
        self._gzipped_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), MirrorHandler)
        if self.wire_times:  # accepted connections inherit it
            self.socket.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away before its answer (a poll past its deadline) is no fault of the mirror's: quiet.
        Anything else is printed as usual."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def locate(self, url_path: str) -> Path | None:
        """The file a URL path names in the first root holding it; None for anything outside the roots."""
        relative = unquote(urlparse(url_path).path).lstrip("/")
        if not relative or "\x00" in relative:
            return None
        for root in self.roots:
            candidate = (root / relative).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        match = _SUBMISSION_PATH.fullmatch(relative)
        if match is None:
            return None
        for root in self.roots:
            for candidate in (root / "Archives" / "edgar" / "data").glob(f"*/{match.group(1)}"):
                return candidate
        return None

    def body_of(self, located: Path, gzipped: bool) -> bytes:
        """The file's bytes, gzipped once and kept (as a CDN keeps compressed copies) while the file is unchanged."""
        if not gzipped:
            return located.read_bytes()
        stat = located.stat()
        key = (located, stat.st_mtime_ns, stat.st_size)
        with self._gzipped_lock:
            cached = self._gzipped.get(key)
        if cached is None:
            cached = gzip.compress(located.read_bytes(), mtime=0)
            with self._gzipped_lock:
                if len(self._gzipped) >= MAX_CACHED_BODIES:
                    self._gzipped.clear()
                self._gzipped[key] = cached
        return cached

    def precompress(self, paths: Iterable[Path]) -> None:
        """Fill the gzip cache ahead of a benchmark, so no measured request pays for compression."""
        for path in paths:
            self.body_of(path.resolve(), gzipped=True)

    def remember(self, request: SeenRequest) -> None:
        with self._seen_lock:
            self.seen.append(request)


class MirrorHandler(BaseHTTPRequestHandler):
    server: MirrorServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus delayed ACKs cost ~40 ms each.
    disable_nagle_algorithm = True

    def handle_one_request(self) -> None:
        self.arrived_at = self._wire_arrival() if self.server.wire_times else None
        super().handle_one_request()

    def _wire_arrival(self) -> float | None:
        """When the kernel received the next request's first bytes (peeked, not read), or None at end of stream.

        A loaded machine may run this thread long after the bytes came in; the kernel's stamp is what the sender's
        pace looks like on the wire, which is what a rate limit is about. Requests are not pipelined here (each
        waits for its answer), so nothing of the next one sits in `rfile`'s buffer unseen by the peek.
        """
        try:
            data, ancillary, _, _ = self.connection.recvmsg(1, socket.CMSG_SPACE(16), socket.MSG_PEEK)
        except OSError:
            return None
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(payload) >= 16:
                seconds, nanoseconds = struct.unpack("qq", payload[:16])
                return seconds + nanoseconds / 1e9
        return None if not data else time.time()

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read `seen` instead
        return None

    def _answer(self, send_body: bool) -> None:
        received_at = getattr(self, "arrived_at", None) or time.time()
        path = urlparse(self.path).path
        status = self.server.faults.next_fault(path)
        fault = None if status is not None else self.server.faults.draw()
        if fault in ("429", "429_no_retry_after", "503"):
            status = int(fault[:3])
        body = b""
        headers: dict[str, str] = {}
        if status is not None:
            if status in (429, 503) and self.server.faults.retry_after is not None and fault != "429_no_retry_after":
                headers["Retry-After"] = self.server.faults.retry_after
        elif path == FEED_PATH and self.server.feed is not None:
            status, body = self._feed_page()
        else:
            located = self.server.locate(path)
            if located is None or self._not_yet_archived(path):
                status = HTTPStatus.NOT_FOUND
            else:
                status = HTTPStatus.OK
                wants_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "")
                if fault == "corrupt_xml":
                    body = corrupt_xml(located.read_bytes())
                    body = gzip.compress(body, mtime=0) if wants_gzip else body
                else:
                    body = self.server.body_of(located, wants_gzip)
                if wants_gzip:
                    headers["Content-Encoding"] = "gzip"
        self.server.remember(
            SeenRequest(
                path,
                self.headers.get("User-Agent"),
                self.headers.get("Accept-Encoding"),
                received_at,
                status,
                self.path,
            )
        )
        if fault == "reset":
            self._drop_connection()
            return
        if fault == "stall":
            time.sleep(self.server.faults.stall_seconds)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "text/plain; charset=latin-1" if status == 200 else "text/plain")
        self.end_headers()
        if not send_body:
            return
        if fault == "truncate" and body:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self._drop_connection()
            return
        self.wfile.write(body)

    def _not_yet_archived(self, path: str) -> bool:
        """A submission the feed lists but EDGAR's Archives do not serve yet (FeedFaults.archive_lag_seconds)."""
        feed = self.server.feed
        return feed is not None and path.endswith(".txt") and feed.not_yet_archived(Path(path).stem)

    def _feed_page(self) -> tuple[int, bytes]:
        """The latest-filings page the query asks for (`action=getcurrent`, `start`, `count`, `type`)."""
        query = parse_qs(urlparse(self.path).query)
        if query.get("action", [""])[0] != "getcurrent":
            return HTTPStatus.NOT_FOUND, b""
        try:
            start = int(query.get("start", ["0"])[0])
            count = min(int(query.get("count", ["40"])[0]), 100)
        except ValueError:
            return HTTPStatus.BAD_REQUEST, b""
        assert self.server.feed is not None
        return self.server.feed.page(start, count, query.get("type", [""])[0])

    def _drop_connection(self) -> None:
        """Close with a TCP reset (SO_LINGER 0), as a crashed proxy would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()


@contextmanager
def serve_in_background(
    roots: Iterable[Path],
    port: int = 0,
    faults: FaultPlan | None = None,
    wire_times: bool = False,
    feed: MirroredFeed | None = None,
) -> Iterator[MirrorServer]:
    """Run a mirror on a daemon thread for the duration of a `with` block (`wire_times`: see MirrorServer; `feed`:
    the latest-filings feed it serves, mirror/feed.py)."""
    server = MirrorServer(roots, port, faults, wire_times, feed)
    thread = threading.Thread(target=server.serve_forever, name="edgar-mirror", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
