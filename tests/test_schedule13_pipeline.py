"""Schedules 13D/13G through the nightly's whole path: a loopback mirror whose daily indexes list real 13G filings
(each in the SGML envelope its metadata.json states) and the real malformed 13D/A; real Dagster runs into a real
DuckDB file. The rows equal what the parser reads from the documents, the malformed one is quarantined with its
reason, and a rerun changes nothing."""

from datetime import date, datetime, timedelta
from pathlib import Path

from bench.generate import write_daily_index
from mirror.envelope import party_block, submission
from mirror.server import serve_in_background
from tests.conftest import materialize_days, read_table
from tests.test_schedule13_real import MALFORMED, REAL
from tests.test_schedule13_rows import enveloped
from transforms.schedule13 import parse_schedule13

FOLDERS = sorted(path.parent for path in REAL.glob("13g-2026-01/*/metadata.json"))[:12]
MALFORMED_ACCESSION = "0001213900-25-001739"


def build_mirror(root: Path) -> tuple[date, date, dict[str, Path]]:
    """The mirror's archive and master indexes; returns its first and last day and each accession's document."""
    listing: dict[date, list[str]] = {}
    documents: dict[str, Path] = {}
    for folder in FOLDERS:
        metadata, raw = enveloped(folder)
        accession, form = metadata["accession-number"], metadata["type"]
        filer = int(metadata["filed-by"]["company-data"]["cik"])
        day = datetime.strptime(metadata["filing-date"], "%Y%m%d").date()
        target = root / "Archives" / "edgar" / "data" / str(filer) / f"{accession}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
        listing.setdefault(day, []).append(
            f"{filer}|FILER {filer}|{form}|{day:%Y%m%d}|edgar/data/{filer}/{accession}.txt"
        )
        documents[accession] = folder / "primary_doc.xml"
    last = max(listing)
    broken = submission(
        (REAL / "other" / MALFORMED).read_bytes(),
        MALFORMED_ACCESSION,
        "SCHEDULE 13D/A",
        datetime.combine(last, datetime.min.time()).replace(hour=16),
        parties=[*party_block("SUBJECT COMPANY", "COMPANY DATA", 1101026, "ZIVO BIOSCIENCE, INC.")],
    )
    target = root / "Archives" / "edgar" / "data" / "1101026" / f"{MALFORMED_ACCESSION}.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(broken)
    listing[last].append(f"1101026|ZIVO|SCHEDULE 13D/A|{last:%Y%m%d}|edgar/data/1101026/{MALFORMED_ACCESSION}.txt")
    first = min(listing)
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        if day.weekday() < 5:  # every business day has its index, most of them listing no 13G of these
            write_daily_index(root, day, listing.get(day, []))
    return first, last, documents


def test_the_nightly_loads_real_13g_filings_quarantines_the_malformed_one_and_reruns_to_the_same(tmp_path: Path):
    first, last, documents = build_mirror(tmp_path / "mirror")
    data = tmp_path / "data"
    with serve_in_background([tmp_path / "mirror"]) as mirror:
        assert materialize_days(data, mirror.base_url, first, last).success
        filings = read_table(data, "select * from schedule13_filings order by accession_number")
        persons = read_table(data, "select * from schedule13_persons order by accession_number, person_position")
        assert materialize_days(data, mirror.base_url, first, last).success
        assert read_table(data, "select * from schedule13_filings order by accession_number") == filings
        assert (
            read_table(data, "select * from schedule13_persons order by accession_number, person_position") == persons
        )

    loaded = read_table(data, "select accession_number, issuer_cik, person_count from schedule13_filings order by 1")
    expected = []
    for accession, path in sorted(documents.items()):
        document = parse_schedule13(path.read_bytes())
        expected.append((accession, int(document.issuer_cik), len(document.persons)))
    assert loaded == expected
    amounts = read_table(
        data, "select accession_number, person_position, aggregate_amount from schedule13_persons order by 1, 2"
    )
    assert amounts == [
        (accession, person.position, person.aggregate_amount)
        for accession, path in sorted(documents.items())
        for person in parse_schedule13(path.read_bytes()).persons
    ]
    [(stage, reason)] = read_table(
        data, "select stage, reason from ingest_failures where subject = $accession", accession=MALFORMED_ACCESSION
    )
    assert (stage, reason) == ("parse", "xml_malformed")
    # Forms 3/4/5 tables hold none of them: each kind keeps to its own tables.
    assert read_table(data, "select count(*) from filings") == [(0,)]
    # The summary counts them by form, their reporting persons as owners.
    from orchestration.summary import warehouse_summary

    by_form = warehouse_summary(data / "warehouse.duckdb")["filings by form"]
    assert dict(zip(by_form["form_type"], by_form["filings"], strict=True)) == {"SCHEDULE 13G": len(documents)}
    assert by_form["owners"].sum() == len(amounts)


def test_watch_loads_forms_4_and_13g_from_one_feed_each_once(cli_data_dir: Path, tmp_path: Path, monkeypatch):
    """The feed lists the fixture mirror's Forms 3/4/5 and twelve real 13G filings, as if accepted a second apart
    today: one `watch --once` loads both kinds into their own tables, and a second poll finds nothing new."""
    from mirror.feed import FeedClock, MirroredFeed, held_filings, replayed
    from tests.conftest import FIXTURE_MIRROR
    from tests.test_watch import published, watch_once

    first, last, documents = build_mirror(tmp_path / "mirror")
    roots = [FIXTURE_MIRROR, tmp_path / "mirror"]
    start = datetime(2026, 1, 28, 10, 0)
    filings = replayed(held_filings(roots), start, 1.0)
    clock = FeedClock(start + timedelta(minutes=5), speed=0.0)
    with serve_in_background(roots, feed=MirroredFeed(filings, clock)) as mirror:
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
        schedules = published(cli_data_dir, "select accession_number, count(*) from schedule13_filings group by 1")
        forms = published(cli_data_dir, "select count(distinct accession_number), count(*) from filings")
        assert watch_once(cli_data_dir, monkeypatch, mirror.base_url) == 0
        # The nightly over the same days finds the feed's filings loaded from the copies it would parse: no work.
        nightly = materialize_days(cli_data_dir, mirror.base_url, first, last)
    assert nightly.success
    metadata = next(
        event.materialization.metadata
        for event in nightly.get_asset_materialization_events()
        if event.asset_key.to_user_string() == "filings"
    )
    assert metadata["already loaded by the feed, not parsed again"].value == len(documents)
    assert sorted(schedules) == [(accession, 1) for accession in sorted(documents)]
    assert forms[0][0] == forms[0][1] > 0  # the fixture's Forms 3/4/5, each once
    assert published(cli_data_dir, "select accession_number, count(*) from schedule13_filings group by 1") == schedules
    failures = dict(published(cli_data_dir, "select subject, reason from ingest_failures"))
    assert failures[MALFORMED_ACCESSION] == "xml_malformed"
