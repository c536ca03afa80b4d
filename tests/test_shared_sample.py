"""Every real EDGAR filing under ../shared/edgar-sample loads through the whole pipeline, over a loopback mirror."""

import csv
from datetime import date
from pathlib import Path

import pytest

from mirror.server import serve_in_background
from tests.conftest import materialize_days, read_table
from tests.expected_from_xml import expected_from_submission

# The sample's filings are listed by no index of their own: the test lists them on a quiet day of its choosing.
LISTING_DAY = date(2024, 12, 2)
OWNERSHIP_FORMS = {"3", "3/A", "4", "4/A", "5", "5/A"}
# What the nightly fetches of an index: Forms 3/4/5 and the Schedules 13D/13G (SC 13D/G before the XML era).
LOADED_FORMS = (
    OWNERSHIP_FORMS
    | {"SC 13D", "SC 13D/A", "SC 13G", "SC 13G/A"}
    | {"SCHEDULE 13D", "SCHEDULE 13D/A", "SCHEDULE 13G", "SCHEDULE 13G/A"}
)


def sample_submissions(sample: Path) -> list[tuple[Path, str]]:
    """(file, form) for every full submission the sample's MANIFEST names."""
    with (sample / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        rows = list(csv.DictReader(manifest, delimiter="\t"))
    return [(sample / row["path"], row["form"]) for row in rows if row["path"].startswith("Archives/edgar/data/")]


def write_listing(root: Path, submissions: list[tuple[Path, str]]) -> None:
    """A master index for LISTING_DAY naming every sample submission, in an overlay mirror root."""
    lines = ["CIK|Company Name|Form Type|Date Filed|Filename", "-" * 80]
    for path, form in submissions:
        cik = path.parent.name
        lines.append(f"{cik}|SAMPLE FILER {cik}|{form}|{LISTING_DAY:%Y%m%d}|edgar/data/{cik}/{path.name}")
    target = root / "Archives/edgar/daily-index/2024/QTR4" / f"master.{LISTING_DAY:%Y%m%d}.idx"
    target.parent.mkdir(parents=True)
    target.write_text("\n".join(lines) + "\n", encoding="latin-1")


def test_every_sample_filing_loads_or_is_recorded_with_its_reason(shared_sample: Path, tmp_path: Path):
    submissions = sample_submissions(shared_sample)
    assert len(submissions) >= 4
    overlay = tmp_path / "overlay"
    write_listing(overlay, submissions)
    with serve_in_background([overlay, shared_sample]) as mirror:
        result = materialize_days(tmp_path / "data", mirror.base_url, LISTING_DAY, LISTING_DAY)
    assert result.success
    data_dir = tmp_path / "data"
    expected = {e.accession_number: e for e in (expected_from_submission(path) for path, _ in submissions) if e}
    without_xml = {path.stem for path, _ in submissions} - set(expected)
    loaded = read_table(
        data_dir,
        """
        select f.accession_number, f.owner_count, f.transaction_count, f.holding_count, f.footnote_count,
            (select count(*) from transactions t where t.accession_number = f.accession_number),
            (select count(*) from holdings h where h.accession_number = f.accession_number)
        from filings f order by 1
        """,
    )
    assert [row[0] for row in loaded] == sorted(expected)
    for accession, owners, transactions, holdings, footnotes, transaction_rows, holding_rows in loaded:
        want = expected[accession]
        assert (owners, transactions, holdings, footnotes) == (
            want.owners,
            want.transactions,
            want.holdings,
            want.footnotes,
        )
        assert (transaction_rows, holding_rows) == (want.transactions, want.holdings)
    failures = set(read_table(data_dir, "select subject, stage, reason from ingest_failures"))
    assert failures == {(accession, "parse", "no_ownership_xml") for accession in without_xml}


@pytest.mark.parametrize(
    ("day", "index_name"),
    [(date(2020, 3, 18), "form.20200318.idx"), (date(2022, 10, 3), "company.20221003.idx")],
)
def test_a_real_daily_index_whose_filings_are_absent_records_every_404(
    shared_sample: Path, tmp_path: Path, day: date, index_name: str
):
    index = next(shared_sample.glob(f"Archives/edgar/daily-index/*/*/{index_name}"))
    form_columns = slice(0, 12) if index_name.startswith("form.") else slice(62, 74)  # fixed-width layouts
    listed = {
        line.rstrip().rsplit("/", 1)[1].removesuffix(".txt")
        for line in index.read_text(encoding="latin-1").splitlines()
        if line.rstrip().endswith(".txt") and line[form_columns].strip() in LOADED_FORMS
    }
    with serve_in_background([shared_sample]) as mirror:
        result = materialize_days(tmp_path, mirror.base_url, day, day)
    assert result.success
    [(status, entries)] = read_table(tmp_path, "select status, entry_count from index_days")
    assert status == "loaded"
    failed = read_table(tmp_path, "select subject from ingest_failures where stage = 'fetch' and reason = 'http_404'")
    assert {subject for (subject,) in failed} == listed
    assert entries == len(listed)
    assert read_table(tmp_path, "select count(*) from filings") == [(0,)]
