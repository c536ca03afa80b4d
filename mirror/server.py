"""Serve EDGAR-layout folders on 127.0.0.1, the way an EDGAR mirror would.

`https://www.sec.gov/Archives/edgar/data/...` maps to `<root>/Archives/edgar/data/...`. Several roots may be
stacked: the first that holds a file answers. Scripted faults (status codes answered before the file) let
tests and benchmarks exercise retries over real HTTP.
"""

import gzip
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse


@dataclass(frozen=True)
class SeenRequest:
    """One request as the mirror received it (for tests: rate, headers)."""

    path: str
    user_agent: str | None
    accept_encoding: str | None
    received_at: float
    status: int


@dataclass
class FaultPlan:
    """Per path, the statuses to answer (with `retry_after` seconds) before serving the file."""

    statuses: dict[str, list[int]] = field(default_factory=dict)
    retry_after: str | None = "1"
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def next_fault(self, path: str) -> int | None:
        with self._lock:
            queue = self.statuses.get(path)
            return queue.pop(0) if queue else None


class MirrorServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its roots, its fault plan and the requests it saw."""

    daemon_threads = True

    def __init__(self, roots: Iterable[Path], port: int = 0, faults: FaultPlan | None = None) -> None:
        self.roots = [Path(root).resolve() for root in roots]
        missing = [str(root) for root in self.roots if not root.is_dir()]
        if missing:
            raise FileNotFoundError(f"mirror roots are not folders: {', '.join(missing)}")
        self.faults = faults or FaultPlan()
        self.seen: list[SeenRequest] = []
        self._seen_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), MirrorHandler)

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
        return None

    def remember(self, request: SeenRequest) -> None:
        with self._seen_lock:
            self.seen.append(request)


class MirrorHandler(BaseHTTPRequestHandler):
    server: MirrorServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read `seen` instead
        return None

    def _answer(self, send_body: bool) -> None:
        received_at = time.time()
        path = urlparse(self.path).path
        status = self.server.faults.next_fault(path)
        body = b""
        headers: dict[str, str] = {}
        if status is not None:
            if status in (429, 503) and self.server.faults.retry_after is not None:
                headers["Retry-After"] = self.server.faults.retry_after
        else:
            located = self.server.locate(path)
            if located is None:
                status = HTTPStatus.NOT_FOUND
            else:
                status = HTTPStatus.OK
                body = located.read_bytes()
                if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                    body = gzip.compress(body, mtime=0)
                    headers["Content-Encoding"] = "gzip"
        self.server.remember(
            SeenRequest(path, self.headers.get("User-Agent"), self.headers.get("Accept-Encoding"), received_at, status)
        )
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Type", "text/plain; charset=latin-1" if status == 200 else "text/plain")
        self.end_headers()
        if send_body:
            self.wfile.write(body)


@contextmanager
def serve_in_background(
    roots: Iterable[Path], port: int = 0, faults: FaultPlan | None = None
) -> Iterator[MirrorServer]:
    """Run a mirror on a daemon thread for the duration of a `with` block."""
    server = MirrorServer(roots, port, faults)
    thread = threading.Thread(target=server.serve_forever, name="edgar-mirror", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
