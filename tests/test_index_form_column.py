"""A form index's form type is read whole, however long: EDGAR's form.idx header puts "Company Name" at column 12
while its rows (since the 13D/G XML era) give the form 17 columns, so `SCHEDULE 13G/A` runs past the header's column."""

from tests.conftest import FIXTURE_SAMPLE
from transforms.index_files import parse_index

HEADER = (
    "Form Type   Company Name                                                  CIK         Date Filed  File Name\n"
    + "-" * 141
    + "\n"
)
# Rows as EDGAR's daily form index of 2026 lays them out: the form in 17 columns, the company in 62.
ROWS = [
    ("4", "Tesla, Inc.", 1318605, "0001628280-26-043000"),
    ("SCHEDULE 13D", "New Fortress Energy Inc.", 1749723, "0001193125-26-395888"),
    ("SCHEDULE 13G/A", "Vanguard Group Inc", 102909, "0001104659-26-108754"),
    ("SC 13G/A", "Some  Holder With Two Spaces Inc", 1234567, "0001234567-26-000001"),
]


def form_index(rows: list[tuple[str, str, int, str]]) -> str:
    return HEADER + "".join(
        f"{form:<17}{company:<62}{cik:<12}20260918    edgar/data/{cik}/{accession}.txt\n"
        for form, company, cik, accession in rows
    )


def test_a_form_type_longer_than_the_headers_column_is_read_whole():
    forms = frozenset(form for form, *_ in ROWS)
    entries = parse_index(form_index(ROWS), forms)
    assert [(entry.form_type, entry.company_name, entry.cik) for entry in entries] == [
        (form, company, cik) for form, company, cik, _ in ROWS
    ]
    assert [entry.accession_number for entry in parse_index(form_index(ROWS), frozenset({"SCHEDULE 13G"}))] == []


def test_the_real_form_index_of_2020_reads_as_its_twelve_column_layout_says():
    """The 2020 sample (a 12-column form field): every row's form type is the text of its first 12 columns."""
    text = (FIXTURE_SAMPLE / "Archives/edgar/daily-index/2020/QTR1/form.20200318.idx").read_text(encoding="latin-1")
    rows = [line for line in text.splitlines() if line.rstrip().endswith(".txt")]
    by_column = {line[:12].strip() for line in rows}
    entries = parse_index(text, frozenset(by_column))
    assert {entry.form_type for entry in entries} == by_column
    assert len(rows) > 1000
