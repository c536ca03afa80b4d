"""The latest-filings feed of the filings a mirror holds, each listed from its acceptance time on a clock that can
run faster than the wall's, so a demo, a test or a benchmark sees a day's filings arrive as EDGAR lists them.

The pages are laid out as EDGAR's (`/cgi-bin/browse-edgar?action=getcurrent&type=&start=&count=&output=atom`):
newest first, one entry per party of each filing (Reporting, Issuer, …), `type` a prefix match, and past
`start=5000` the maintenance page with HTTP 503.
"""

import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path

from mirror.fault_draws import FaultDraws
from transforms.sgml import SubmissionFormatError, parse_header

FEED_PATH = "/cgi-bin/browse-edgar"
LAST_START = 5000
# The feed's name for each header role.
FEED_ROLES = {
    "reporting_owner": "Reporting",
    "issuer": "Issuer",
    "subject_company": "Subject",
    "filed_by": "Filed by",
    "filer": "Filer",
}
MAINTENANCE_PAGE = b"<!DOCTYPE html>\n<html><body><h1>Service Unavailable</h1></body></html>\n"


@dataclass(frozen=True)
class HeldFiling:
    accession_number: str
    form_type: str
    accepted_at: datetime  # New York wall clock
    filed_on: date | None
    parties: tuple[tuple[str, int, str], ...]  # (feed role, CIK, name)
    folder_cik: int  # the Archives/edgar/data/<cik>/ folder it is held under


def held_filings(roots: list[Path]) -> list[HeldFiling]:
    """Every submission the roots hold with the acceptance time its header states (the first root holding an
    accession wins, as the mirror answers)."""
    found: dict[str, HeldFiling] = {}
    for root in roots:
        for path in sorted((root / "Archives" / "edgar" / "data").glob("*/*.txt")):
            if path.stem in found:
                continue
            head = path.read_bytes()[:65536].decode("latin-1")
            end = head.find("</SEC-HEADER>")
            if end < 0:
                continue
            try:
                header = parse_header(head[:end])
            except SubmissionFormatError:
                continue
            accepted = header.acceptance_datetime
            if accepted is None or header.form_type is None:
                continue
            parties = tuple(
                (FEED_ROLES.get(party.role, party.role), party.cik, party.name or f"CIK {party.cik}")
                for party in header.parties
                if party.cik is not None
            )
            folder_cik = int(path.parent.name)
            # A hand-built submission may name no party: the feed still lists it, under the folder's CIK.
            parties = parties or (("Filer", folder_cik, f"CIK {folder_cik}"),)
            found[path.stem] = HeldFiling(
                path.stem, header.form_type, accepted, header.filing_date, parties, folder_cik
            )
    return sorted(found.values(), key=lambda filing: (filing.accepted_at, filing.accession_number))


def replayed(filings: list[HeldFiling], start: datetime, spacing_seconds: float) -> list[HeldFiling]:
    """The filings listed as if EDGAR accepted them one every `spacing_seconds` from `start`, in their own order: a
    demo sees a week's filings arrive in minutes, each accepted today, so the latency the warehouse measures from
    acceptance to read copy is the pipeline's own (the submissions keep their headers' acceptance times)."""
    return [
        replace(filing, accepted_at=start + timedelta(seconds=spacing_seconds * number))
        for number, filing in enumerate(filings)
    ]


@dataclass
class FeedClock:
    """New York wall-clock time on the mirror: `start` when it began, running `speed` times as fast as real time."""

    start: datetime
    speed: float = 1.0
    _began: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> datetime:
        with self._lock:
            return self.start + timedelta(seconds=(time.monotonic() - self._began) * self.speed)

    def advance_to(self, moment: datetime) -> None:
        """Jump the clock forward (never back) to `moment`: a test releasing the next filings at once."""
        with self._lock:
            if moment > self.start + timedelta(seconds=(time.monotonic() - self._began) * self.speed):
                self.start, self._began = moment, time.monotonic()


# Answers that are not the feed, as a proxy, a maintenance window or a broken cache gives them with status 200.
NOT_THE_FEED_BODIES = {
    "html": b"<!DOCTYPE html>\n<html><head><title>Maintenance</title></head><body>Back soon.</body></html>\n",
    "garbage": b"\x1f\x8b\x08garbage, not a feed \x00\xff",
    "empty": b"",
}
FEED_FAULT_KINDS = (*NOT_THE_FEED_BODIES, "stall")


@dataclass
class FeedFaults:
    """What goes wrong with the feed itself (the server's FaultPlan answers 503s, stalls and resets on any path, the
    feed's included): the next `stale_pages` pages served as of `stale_seconds` ago (a cache behind EDGAR); every
    entry listed twice (`duplicate_entries`), so one filing straddles pages; filings accepted less than
    `archive_lag_seconds` ago listed while their Archives path still answers 404; the next pages answered, with
    status 200, by what is not the feed (`wrong_pages`: kinds of NOT_THE_FEED_BODIES) or only after `stall_seconds`
    (`stalled_pages`); and the same at random (`rates`, kinds of FEED_FAULT_KINDS, drawn from `seed`)."""

    stale_pages: int = 0
    stale_seconds: float = 0.0
    duplicate_entries: bool = False
    archive_lag_seconds: float = 0.0
    wrong_pages: list[str] = field(default_factory=list)
    stalled_pages: int = 0
    stall_seconds: float = 30.0
    rates: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    _draws: FaultDraws | None = None

    def __post_init__(self) -> None:
        unknown = set(self.wrong_pages) - set(NOT_THE_FEED_BODIES)
        if unknown:
            raise ValueError(f"unknown feed fault kinds {sorted(unknown)}; known: {', '.join(FEED_FAULT_KINDS)}")
        self._draws = FaultDraws(FEED_FAULT_KINDS, self.rates, self.seed, "feed fault")

    def next_fault(self) -> str | None:
        """The fault the next page gets: a scripted one first, else one drawn at the rates, else None."""
        if self.wrong_pages:
            return self.wrong_pages.pop(0)
        if self.stalled_pages > 0:
            self.stalled_pages -= 1
            return "stall"
        assert self._draws is not None
        return self._draws.draw()


@dataclass
class MirroredFeed:
    filings: list[HeldFiling]
    clock: FeedClock
    faults: FeedFaults = field(default_factory=FeedFaults)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def not_yet_archived(self, accession_number: str) -> bool:
        """True while a listed filing's submission is not to be served yet (FeedFaults.archive_lag_seconds)."""
        if not self.faults.archive_lag_seconds:
            return False
        newest = self.clock.now() - timedelta(seconds=self.faults.archive_lag_seconds)
        return any(f.accession_number == accession_number and f.accepted_at > newest for f in self.filings)

    def page(self, start: int, count: int, form_prefix: str) -> tuple[int, bytes]:
        """(HTTP status, body) of the page at `start`: the filings accepted by the clock's now, newest first."""
        if start > LAST_START:
            return 503, MAINTENANCE_PAGE
        now = self.clock.now()
        with self._lock:
            fault = self.faults.next_fault()
        if fault == "stall":
            time.sleep(self.faults.stall_seconds)
        elif fault is not None:
            return 200, NOT_THE_FEED_BODIES[fault]
        with self._lock:
            if self.faults.stale_pages > 0:
                self.faults.stale_pages -= 1
                now -= timedelta(seconds=self.faults.stale_seconds)
        listed = [f for f in self.filings if f.accepted_at <= now and f.form_type.startswith(form_prefix)]
        listed.sort(key=lambda filing: (filing.accepted_at, filing.accession_number), reverse=True)
        entries = [(filing, party) for filing in listed for party in filing.parties]
        if self.faults.duplicate_entries:
            entries = [entry for entry in entries for _ in range(2)]
        chosen = entries[start : start + count]
        return 200, _atom(now, chosen)


def _atom(now: datetime, entries: list[tuple[HeldFiling, tuple[str, int, str]]]) -> bytes:
    offset = "-05:00"  # the mirror keeps EDGAR's own zone name out: the reader takes the wall clock as given
    lines = [
        '<?xml version="1.0" encoding="ISO-8859-1" ?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>Latest Filings - {now:%a, %d %b %Y %H:%M:%S} EST</title>",
        f"<updated>{now:%Y-%m-%dT%H:%M:%S}{offset}</updated>",
    ]
    for filing, (role, cik, name) in entries:
        index = f"/Archives/edgar/data/{filing.folder_cik}/{filing.accession_number.replace('-', '')}/"
        filed = filing.filed_on.isoformat() if filing.filed_on else ""
        summary = escape(f" <b>Filed:</b> {filed} <b>AccNo:</b> {filing.accession_number} <b>Size:</b> 4 KB")
        lines += [
            "<entry>",
            f"<title>{escape(filing.form_type)} - {escape(name)} ({cik:010d}) ({escape(role)})</title>",
            f'<link rel="alternate" type="text/html" href="{index}{filing.accession_number}-index.htm"/>',
            f'<summary type="html">{summary}</summary>',
            f"<updated>{filing.accepted_at:%Y-%m-%dT%H:%M:%S}{offset}</updated>",
            f'<category scheme="https://www.sec.gov/" label="form type" term="{escape(filing.form_type)}"/>',
            f"<id>urn:tag:sec.gov,2008:accession-number={filing.accession_number}</id>",
            "</entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("latin-1", errors="replace")
