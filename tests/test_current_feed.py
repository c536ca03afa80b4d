"""EDGAR's latest-filings feed read as it really answers: every page of two real runs through it (Friday
2025-12-12, unfiltered and `type=4`), three single live pages and a company feed of another layout
(../shared/edgar-real/atom; fixtures/edgar-real/atom holds copies of the pages these tests need without it).

Expected values are read from the raw bytes with plain patterns, not with the project's reader.
"""

import html
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, SHARED, SHARED_MISSING
from transforms.current_feed import FeedFormatError, merged, parse_feed_page

FIXTURE_ATOM = PROJECT_ROOT / "fixtures" / "edgar-real" / "atom"
SHARED_ATOM = SHARED / "edgar-real" / "atom"
_ENTRY = re.compile(r"<entry>(.*?)</entry>", re.DOTALL)

# The forms the warehouse loads, stated here apart from transforms/forms.py: Forms 3/4/5 and Schedules 13D/13G.
LOADED_FORMS = {"3", "3/A", "4", "4/A", "5", "5/A"} | {
    f"{name} 13{letter}{amended}" for name in ("SC", "SCHEDULE") for letter in "DG" for amended in ("", "/A")
}


def raw_entries(data: bytes) -> list[dict[str, str]]:
    """Each entry's accession, form term, title and updated time, by pattern over the bytes."""
    text = data.decode("latin-1")
    found = []
    for body in _ENTRY.findall(text):
        found.append(
            {
                "accession": re.search(r"accession-number=(\S+?)</id>", body).group(1),
                "term": re.search(r'term="([^"]*)"', body).group(1),
                "title": html.unescape(re.search(r"<title>(.*?)</title>", body, re.DOTALL).group(1)),
                "updated": re.search(r"<updated>(.*?)</updated>", body).group(1),
                "filed": re.search(r"Filed:&lt;/b&gt; (\d{4}-\d{2}-\d{2})", body).group(1),
            }
        )
    return found


@pytest.fixture(params=["fixture", "shared"])
def atom(request: pytest.FixtureRequest) -> Path:
    if request.param == "shared" and not SHARED_ATOM.is_dir():
        pytest.skip(SHARED_MISSING)
    return FIXTURE_ATOM if request.param == "fixture" else SHARED_ATOM


def pages_of(folder: Path) -> list[Path]:
    return sorted(folder.glob("*-http200.xml"))


@pytest.mark.parametrize("run", ["getcurrent-all-2025-12-12", "getcurrent-type4-2025-12-12"])
def test_every_page_reads_to_one_filing_per_accession_with_every_party(atom: Path, run: str):
    pages = pages_of(atom / run)
    assert pages
    for path in pages:
        data = path.read_bytes()
        page = parse_feed_page(data)
        expected = raw_entries(data)
        assert page.entries == len(expected)
        assert [filing.accession_number for filing in page.filings] == list(
            dict.fromkeys(e["accession"] for e in expected)
        )
        by_accession = {filing.accession_number: filing for filing in page.filings}
        for entry in expected:
            filing = by_accession[entry["accession"]]
            assert filing.form_type == entry["term"]
            cik = int(entry["title"].rsplit("(", 2)[1].rstrip(") "))
            role = entry["title"].rsplit("(", 1)[1].rstrip(")")
            assert (role, cik) in {(party.role, party.cik) for party in filing.parties}, entry["title"]
            assert filing.accepted_at == datetime.fromisoformat(entry["updated"][:19])
            assert filing.filed_on == date.fromisoformat(entry["filed"])


def test_the_filings_the_warehouse_loads_are_kept_by_their_form_not_by_the_feeds_type_filter(atom: Path):
    """type=4 is a prefix match: its pages hold 424B2 and 497K too, and no Form 3 or 5."""
    path = atom / "getcurrent-type4-2025-12-12" / "start00100-count100-type4-http200.xml"
    terms = {entry["term"] for entry in raw_entries(path.read_bytes())}
    assert terms - LOADED_FORMS  # other forms leak through the filter
    page = parse_feed_page(path.read_bytes())
    ownership = [filing for filing in page.filings if filing.is_loaded]
    assert 0 < len(ownership) < len(page.filings)
    assert {filing.form_type for filing in ownership} <= LOADED_FORMS


def test_an_accession_straddling_two_pages_is_one_filing_with_the_parties_of_both(atom: Path):
    first, second = (atom / "getcurrent-all-2025-12-12" / f"start00{n}00-count100-typeall-http200.xml" for n in (3, 4))
    pages = [parse_feed_page(path.read_bytes()) for path in (first, second)]
    straddling = {f.accession_number for f in pages[0].filings} & {f.accession_number for f in pages[1].filings}
    assert "0001899338-25-000014" in straddling  # a real Form 4 whose Reporting and Issuer entries fell apart
    filings = merged(pages)
    [form4] = [filing for filing in filings if filing.accession_number == "0001899338-25-000014"]
    assert form4.form_type == "4" and {party.role for party in form4.parties} == {"Reporting", "Issuer"}
    assert len(filings) == len({f.accession_number for page in pages for f in page.filings})


def test_names_with_parentheses_and_entities_and_the_filed_date(atom: Path):
    pages = [parse_feed_page(path.read_bytes()) for path in pages_of(atom / "getcurrent-all-2025-12-12")]
    names = {party.name: party.cik for page in pages for filing in page.filings for party in filing.parties}
    assert names["Premium Catering (Holdings) Ltd"] == 1998056
    assert names["Cohen & Steers Tax-Advantaged Preferred Securities & Income Fund"] == 1793882


def test_pages_that_are_not_the_latest_filings_feed_are_refused_with_what_they_are(atom: Path):
    with pytest.raises(FeedFormatError, match="an HTML page"):
        parse_feed_page((atom / "getcurrent-all-2025-12-12" / "start05100-count100-typeall-http503.html").read_bytes())
    with pytest.raises(FeedFormatError, match="a company's filing feed"):
        parse_feed_page((atom / "single-pages" / "joeychilson_company_MSFT_2023-07.xml").read_bytes())
    empty = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Latest Filings</title></feed>'
    assert parse_feed_page(empty).filings == () and parse_feed_page(empty).entries == 0
    hostile = b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]><feed>&x;</feed>'
    with pytest.raises(FeedFormatError):
        parse_feed_page(hostile)


@pytest.mark.parametrize("name", ["sonde_getcurrent_type4_2026-08-27.xml", "joeychilson_getcurrent_all_2023-07-11.xml"])
def test_single_live_pages_of_other_years_read_the_same_way(atom: Path, name: str):
    data = (atom / "single-pages" / name).read_bytes()
    page = parse_feed_page(data)
    assert page.entries == len(raw_entries(data)) > 0
    assert len(page.filings) == len({entry["accession"] for entry in raw_entries(data)})


def recorded_feed(folder: Path, starts: list[int] | None = None):
    """`fetch_page(start)` over a recorded run: the page recorded at that start (or, with `starts`, the recorded
    pages in that order), None for the maintenance page or past the end."""
    recorded = {int(path.name[5:10]): path for path in folder.iterdir() if path.name.startswith("start")}
    order = sorted(recorded) if starts is None else starts
    asked: list[int] = []

    def fetch_page(start: int) -> bytes | None:
        asked.append(start)
        index = start // 100
        if index >= len(order):
            return None
        path = recorded[order[index]]
        return path.read_bytes() if path.name.endswith("http200.xml") else None

    return fetch_page, asked


def loaded_accessions(paths: list[Path]) -> dict[str, datetime]:
    """Every accession of a loaded form on the pages and its acceptance time, by pattern over the bytes."""
    found = {}
    for path in paths:
        for entry in raw_entries(path.read_bytes()):
            if entry["term"] in LOADED_FORMS:
                found[entry["accession"]] = datetime.fromisoformat(entry["updated"][:19])
    return found


def test_a_first_poll_reads_the_whole_feed_and_a_second_reads_one_page():
    from transforms.current_feed import FeedCursor, poll_feed

    if not SHARED_ATOM.is_dir():
        pytest.skip(SHARED_MISSING)
    folder = SHARED_ATOM / "getcurrent-all-2025-12-12"
    fetch_page, asked = recorded_feed(folder)
    poll = poll_feed(fetch_page, FeedCursor())
    expected = loaded_accessions(pages_of(folder))
    assert [filing.accession_number for filing in poll.filings] == sorted(expected, key=lambda a: (expected[a], a))
    assert poll.pages == 51 and asked[-1] == 5000 and poll.gap_since is None  # the feed's last page
    again, asked_again = recorded_feed(folder)
    second = poll_feed(again, poll.cursor)
    assert second.filings == () and asked_again == [0]


def test_a_poll_from_a_cursor_mid_feed_returns_what_is_newer_and_stops_on_the_page_that_reaches_it(atom: Path):
    from transforms.current_feed import FeedCursor, poll_feed

    folder = atom / "getcurrent-all-2025-12-12"
    pages = pages_of(folder)
    fetch_page, asked = recorded_feed(folder, [int(path.name[5:10]) for path in pages])
    entries = [entry for path in pages for entry in raw_entries(path.read_bytes())]
    middle = entries[150]  # a cursor at an entry of the second page
    at = datetime.fromisoformat(middle["updated"][:19])
    tied = frozenset(e["accession"] for e in entries if datetime.fromisoformat(e["updated"][:19]) == at)
    poll = poll_feed(fetch_page, FeedCursor(at, tied))
    read = [entry for path in pages[: poll.pages] for entry in raw_entries(path.read_bytes())]
    newer = {
        e["accession"] for e in read if e["term"] in LOADED_FORMS and datetime.fromisoformat(e["updated"][:19]) > at
    }
    assert newer and {filing.accession_number for filing in poll.filings} == newer
    assert poll.pages == len(asked) == 2 and poll.gap_since is None  # stopped on the page that reaches the cursor


def test_a_cursor_older_than_the_feed_reaches_is_a_recorded_gap_not_an_error(atom: Path):
    from transforms.current_feed import FeedCursor, poll_feed

    folder = atom / "getcurrent-all-2025-12-12"
    fetch_page, _ = recorded_feed(folder)
    long_ago = datetime(2025, 12, 1, 9, 30)
    poll = poll_feed(fetch_page, FeedCursor(long_ago, frozenset()))
    assert poll.gap_since == long_ago and poll.filings  # what the feed still holds is loaded; the rest is the gap


def test_the_mirror_lists_its_filings_in_the_feed_as_their_acceptance_time_comes(tmp_path: Path):
    """The fixture mirror's filings through a loopback feed: at noon of 2025-01-06 the feed holds exactly those
    accepted by then (their headers say when), a poll reads them all, and after the clock moves on a poll from the
    cursor reads only the ones accepted since."""
    from mirror.feed import FeedClock, MirroredFeed, held_filings
    from mirror.server import serve_in_background
    from tests.conftest import FIXTURE_MIRROR, TEST_USER_AGENT
    from transforms.current_feed import FeedCursor, poll_feed
    from transforms.edgar_client import ClientSettings, EdgarClient
    from transforms.rate_limit import NoRateLimit

    held = held_filings([FIXTURE_MIRROR])
    accepted = {}
    for path in (FIXTURE_MIRROR / "Archives" / "edgar" / "data").glob("*/*.txt"):
        stamp = re.search(rb"<ACCEPTANCE-DATETIME>(\d{14})", path.read_bytes())
        if stamp:
            accepted[path.stem] = datetime.strptime(stamp.group(1).decode(), "%Y%m%d%H%M%S")
    assert {filing.accession_number: filing.accepted_at for filing in held} == accepted
    clock = FeedClock(datetime(2025, 1, 6, 12, 0), speed=0.0)
    with serve_in_background([FIXTURE_MIRROR], feed=MirroredFeed(held, clock)) as mirror:
        client = EdgarClient(ClientSettings(user_agent=TEST_USER_AGENT, base_url=mirror.base_url), NoRateLimit())

        def fetch_page(start: int) -> bytes:
            return client.get(f"cgi-bin/browse-edgar?action=getcurrent&type=&start={start}&count=100&output=atom")

        first = poll_feed(fetch_page, FeedCursor())
        by_noon = {a for a, at in accepted.items() if at <= datetime(2025, 1, 6, 12, 0)}
        assert {filing.accession_number for filing in first.filings} == by_noon
        clock.advance_to(datetime(2025, 1, 8, 18, 0))
        second = poll_feed(fetch_page, first.cursor)
    by_evening = {a for a, at in accepted.items() if datetime(2025, 1, 6, 12, 0) < at <= datetime(2025, 1, 8, 18, 0)}
    assert by_evening and {filing.accession_number for filing in second.filings} == by_evening
