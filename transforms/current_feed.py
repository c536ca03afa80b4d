"""EDGAR's latest-filings Atom feed (`/cgi-bin/browse-edgar?action=getcurrent&output=atom`), read as it really is.

The feed lists filings minutes after EDGAR accepts them, newest first, 100 entries a page, and holds the last few
thousand (paging past `start=5000` answers HTTP 503). What the real pages show (../shared/edgar-real/atom/):
- one accession has one entry per party it names (Reporting, Issuer, Filer, Subject, sometimes the same one twice),
  entries of one second interleave, and an accession's entries can straddle a page boundary: filings are grouped by
  accession (the entry's `<id>`), never by position;
- `type=4` is a prefix match (it returns 424B2, 497K… and no Forms 3 or 5), so the ownership forms are kept here, by
  each entry's category term;
- names carry entities and parentheses (`General Atlantic (SPV) GP, LLC (0001793940) (Reporting)`): a title is read
  from its end (the role, then the CIK);
- `<updated>` is the acceptance time with New York's offset; the warehouse keeps New York wall-clock time, as the
  SGML header's ACCEPTANCE-DATETIME gives it.
A page that is not this feed (an HTML error page, a company feed) is refused with what it is.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree

from transforms.accession import InvalidAccessionError, canonical_accession
from transforms.forms import LOADED_FORMS

ATOM = "{http://www.w3.org/2005/Atom}"
# The feed's entries a page holds at most; the feed answers past start=5000 with its maintenance page (HTTP 503).
PAGE_SIZE = 100
LAST_START = 5000
_TITLE = re.compile(r"^(?P<form>.+?) - (?P<name>.*) \((?P<cik>\d{1,10})\) \((?P<role>[^()]+)\)$", re.DOTALL)
_ACCESSION_ID = re.compile(r"accession-number=(\S+)$")
_FILED = re.compile(r"Filed:</b>\s*(\d{4}-\d{2}-\d{2})")


class FeedFormatError(ValueError):
    """A page that is not the latest-filings Atom feed; the message says what it is instead."""


class FeedUnavailableError(RuntimeError):
    """The feed could not be read this poll: EDGAR (or a proxy before it) is down, too slow, or answers something
    that is not the feed. Not a gap: nothing says filings were lost, so the cursor stays where it was and the next
    poll reads from it again. `reason` is a stable code (`http_503`, `deadline`, `not_the_feed`, …)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class FeedParty:
    role: str  # Reporting, Issuer, Filer, Subject, Filed by …
    cik: int
    name: str


@dataclass(frozen=True)
class FeedFiling:
    """One accession as the feed lists it: its form, when EDGAR accepted it, and every party an entry named."""

    accession_number: str
    form_type: str
    accepted_at: datetime  # New York wall-clock time, as ACCEPTANCE-DATETIME gives it
    filed_on: date | None
    parties: tuple[FeedParty, ...]

    @property
    def is_loaded(self) -> bool:
        """True for a form of a document kind the warehouse loads (transforms/forms.py)."""
        return self.form_type in LOADED_FORMS

    def cik_of(self, role: str) -> int | None:
        return next((party.cik for party in self.parties if party.role == role), None)


@dataclass(frozen=True)
class FeedPage:
    filings: tuple[FeedFiling, ...]  # grouped by accession, newest first as the page lists them
    entries: int  # entries on the page: fewer than the page size means the feed ends here


def parse_feed_page(data: bytes) -> FeedPage:
    """One page of the feed; FeedFormatError for anything else. An empty feed is a page of no entries."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        start = data[:200].lstrip().lower()
        what = (
            "an HTML page (an error or maintenance page?)"
            if start.startswith((b"<!doctype html", b"<html"))
            else "not XML"
        )
        raise FeedFormatError(f"the feed page is {what}: {error}") from None
    if root.tag != f"{ATOM}feed":
        raise FeedFormatError(f"the page's root is {root.tag!r}, not an Atom feed")
    if root.find(f"{ATOM}company-info") is not None:
        raise FeedFormatError("the page is a company's filing feed (action=getcompany), not the latest filings")
    entries = root.findall(f"{ATOM}entry")
    return FeedPage(tuple(grouped(_entry(entry) for entry in entries)), len(entries))


def grouped(entries: Iterable[tuple[str, str, datetime, date | None, FeedParty]]) -> list[FeedFiling]:
    """Entries (accession, form, accepted, filed, party) as one filing per accession, in first-seen order, its
    parties without repeats."""
    found: dict[str, FeedFiling] = {}
    for accession, form, accepted, filed, party in entries:
        known = found.get(accession)
        if known is None:
            found[accession] = FeedFiling(accession, form, accepted, filed, (party,))
        elif party not in known.parties:
            found[accession] = FeedFiling(
                accession, known.form_type, known.accepted_at, known.filed_on, (*known.parties, party)
            )
    return list(found.values())


def merged(pages: Iterable[FeedPage]) -> list[FeedFiling]:
    """The filings of several pages as one list by accession: an accession whose entries straddle a page boundary
    (or appear again on the next page as new filings push the feed down) is one filing with all its parties."""
    entries = [
        (filing.accession_number, filing.form_type, filing.accepted_at, filing.filed_on, party)
        for page in pages
        for filing in page.filings
        for party in filing.parties
    ]
    return grouped(entries)


def _entry(entry: etree._Element) -> tuple[str, str, datetime, date | None, FeedParty]:
    identifier = entry.findtext(f"{ATOM}id") or ""
    match = _ACCESSION_ID.search(identifier.strip())
    try:
        accession = canonical_accession(match.group(1) if match else "")
    except InvalidAccessionError as error:
        raise FeedFormatError(f"an entry's id {identifier!r} names no accession number: {error}") from None
    category = entry.find(f"{ATOM}category")
    form = (category.get("term") if category is not None else None) or ""
    title = " ".join((entry.findtext(f"{ATOM}title") or "").split())
    named = _TITLE.match(title)
    if named is None:
        raise FeedFormatError(f"entry {accession}: its title {title!r} is not 'FORM - NAME (CIK) (ROLE)'")
    updated = (entry.findtext(f"{ATOM}updated") or "").strip()
    try:
        accepted = datetime.fromisoformat(updated).replace(tzinfo=None)  # New York wall clock: its own offset
    except ValueError:
        raise FeedFormatError(f"entry {accession}: its updated time {updated!r} is not ISO 8601") from None
    filed = _FILED.search(entry.findtext(f"{ATOM}summary") or "")
    party = FeedParty(named["role"], int(named["cik"]), named["name"])
    return (
        accession,
        form.strip() or named["form"],
        accepted,
        date.fromisoformat(filed.group(1)) if filed else None,
        party,
    )


def _parser() -> etree.XMLParser:
    """No entities resolved, no network, no DTD, no huge trees: a feed page is a few dozen KB."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True)
class FeedCursor:
    """Where the last poll stopped: the newest acceptance time it saw and the accessions accepted at that second
    (acceptance times tie at one second, so the time alone would miss or repeat filings of that second)."""

    accepted_at: datetime | None = None
    accessions: frozenset[str] = frozenset()

    def is_new(self, filing: FeedFiling) -> bool:
        if self.accepted_at is None:
            return True
        return filing.accepted_at > self.accepted_at or (
            filing.accepted_at == self.accepted_at and filing.accession_number not in self.accessions
        )


@dataclass(frozen=True)
class FeedPoll:
    filings: tuple[FeedFiling, ...]  # the ownership filings new since the cursor, oldest first
    cursor: FeedCursor  # for the next poll
    pages: int
    gap_since: datetime | None  # the cursor's time, when the feed no longer reaches back to it: filings lost to it


# Reads of one page that answered something other than the feed before the poll gives up: a proxy's or cache's
# glitch passes on a second read, an outage does not.
NOT_THE_FEED_READS = 3


def _read_page(fetch_page: Callable[[int], bytes | None], start: int) -> FeedPage | None:
    """The page at `start` (None past the feed's end), read again when what came was not the feed."""
    for _ in range(NOT_THE_FEED_READS):
        data = fetch_page(start)
        if data is None:
            return None
        try:
            return parse_feed_page(data)
        except FeedFormatError as error:
            refused = error
    raise FeedUnavailableError("not_the_feed", f"page start={start}, {NOT_THE_FEED_READS} reads: {refused}")


def poll_feed(fetch_page: Callable[[int], bytes | None], cursor: FeedCursor) -> FeedPoll:
    """Page through the feed from its newest entry until a page reaches back past `cursor` (or the feed ends: a short
    page, or the maintenance page past start=5000, which `fetch_page` gives as None), and return what is new.

    `fetch_page(start)` answers the page at `start`, or raises FeedUnavailableError when it cannot be had. Filings
    are merged by accession over all pages read, so one whose entries straddle a page boundary, or that new filings
    pushed onto the next page, counts once. A page that is not the feed is read again; still not the feed, it fails
    the whole poll (FeedUnavailableError `not_the_feed`): the pages before it cannot say whether filings were missed.
    """
    pages: list[FeedPage] = []
    reached = cursor.accepted_at is None
    for start in range(0, LAST_START + PAGE_SIZE, PAGE_SIZE):
        page = _read_page(fetch_page, start)
        if page is None:
            break
        pages.append(page)
        if cursor.accepted_at is not None and any(f.accepted_at < cursor.accepted_at for f in page.filings):
            reached = True
            break
        if page.entries < PAGE_SIZE:
            reached = True  # the feed holds nothing older: everything it ever listed has been read
            break
    seen = merged(pages)
    new = sorted(
        (filing for filing in seen if filing.is_loaded and cursor.is_new(filing)),
        key=lambda filing: (filing.accepted_at, filing.accession_number),
    )
    newest = max((filing.accepted_at for filing in seen), default=None)
    if newest is None or (cursor.accepted_at is not None and newest < cursor.accepted_at):
        after = cursor
    else:
        at_newest = frozenset(f.accession_number for f in seen if f.accepted_at == newest)
        after = FeedCursor(newest, at_newest | (cursor.accessions if newest == cursor.accepted_at else frozenset()))
    return FeedPoll(tuple(new), after, len(pages), None if reached else cursor.accepted_at)
