"""Progress of long work as its reader sees it: bars on a terminal, plain lines in a log.

A bar redraws itself with carriage returns; written to a file (a cron job's log, a CI transcript) every redraw
stays, hundreds of `\r` frames on one line. Where stderr is not a terminal, a stage says one line when it ends
(what it did and how long it took) and, while it runs, one line per LOG_INTERVAL_SECONDS at most, so a long
history load still shows it is alive. Nested steps (`leave=False`: the chunks of one model, the batches of the
vehicles) say nothing in a log: their stage's line covers them.
"""

import sys
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from tqdm import tqdm

# How often a stage still running says so in a log.
LOG_INTERVAL_SECONDS = 60.0


def progress(
    iterable: Iterable[Any] | None = None,
    *,
    desc: str,
    unit: str = "item",
    total: int | None = None,
    initial: int = 0,
    leave: bool = True,
    disable: bool = False,
    stream: TextIO | None = None,
    **bar_options: Any,
) -> "tqdm | LineProgress":
    """A tqdm bar on a terminal, a LineProgress otherwise; both iterate `iterable` and take `update(n)`."""
    out = stream or sys.stderr
    if out.isatty():
        return tqdm(
            iterable,
            desc=desc,
            unit=unit,
            total=total,
            initial=initial,
            leave=leave,
            disable=disable,
            file=out,
            **bar_options,
        )
    return LineProgress(iterable, desc, unit, total, initial, disable or not leave, out)


class LineProgress:
    """What a bar shows, as whole lines: at most one per LOG_INTERVAL_SECONDS while running, and one at the end."""

    def __init__(
        self,
        iterable: Iterable[Any] | None,
        desc: str,
        unit: str,
        total: int | None,
        initial: int,
        silent: bool,
        stream: TextIO,
    ) -> None:
        self.iterable = iterable
        self.desc, self.unit, self.stream, self.silent = desc, unit, stream, silent
        self.total = total if total is not None else _length(iterable)
        self.n = initial
        self.postfix = ""
        self.started = self.last_said = time.monotonic()
        self.closed = False
        self._lock = threading.Lock()  # fetch threads report their filings as they finish

    def __iter__(self) -> Iterator[Any]:
        try:
            for item in self.iterable or ():
                yield item
                self.update(1)
        finally:
            self.close()

    def __enter__(self) -> "LineProgress":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def update(self, count: int = 1) -> None:
        with self._lock:
            self.n += count
            now = time.monotonic()
            if now - self.last_said >= LOG_INTERVAL_SECONDS:
                self.last_said = now
                self._say(f"{self._done()}, {_duration(now - self.started)} so far")

    def set_postfix_str(self, text: str) -> None:
        """What the stage is at (a bar shows it after its counts): said with the next line."""
        self.postfix = text

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.closed = True
            self._say(f"{self._done()} in {_duration(time.monotonic() - self.started)}")

    def _done(self) -> str:
        units = _plural(self.unit)
        if self.total is None or self.n == self.total:
            return f"{self.n:,} {units}"
        return f"{self.n:,} of {self.total:,} {units}"

    def _say(self, text: str) -> None:
        if not self.silent:
            at = f" ({self.postfix})" if self.postfix else ""
            print(f"{self.desc}: {text}{at}", file=self.stream, flush=True)


def _plural(unit: str) -> str:
    if unit.endswith("s"):
        return unit
    return f"{unit}es" if unit.endswith(("ch", "sh", "x")) else f"{unit}s"


def _length(iterable: Iterable[Any] | None) -> int | None:
    try:
        return len(iterable)  # type: ignore[arg-type]
    except TypeError:
        return None


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"
