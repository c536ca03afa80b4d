"""The data sets' CSV quoting undone: a value holding a `"` is wrapped in quotes with the inner ones doubled.

fixtures/f345-2024q3-quoted holds, with their headers, every line of the real 2024q3 set (../shared/edgar-real/
f345-2024q3) that holds a `"`, the SUBMISSION lines of the filings those lines belong to, and every line of two
filings whose title or nature of ownership is quoted. Expected values come from Python's `csv` module reading each
line, not from the project's reader.
"""

import csv
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import PROJECT_ROOT, SHARED, SHARED_MISSING
from tests.ownership_builder import Filing, Line
from transforms.f345.reader import quarter_frames, read_tsv
from transforms.normalize import normalize_submission, to_frames

QUOTED = PROJECT_ROOT / "fixtures" / "f345-2024q3-quoted"
SHARED_SET = SHARED / "edgar-real" / "f345-2024q3"
# Two real filings: a quoted title held directly, and a quoted nature of an indirect holding.
QUOTED_TITLE = "0000902664-24-005384"
QUOTED_NATURE = "0001434728-24-000290"


@pytest.fixture(params=["fixture", "shared"])
def quoted_folder(request: pytest.FixtureRequest) -> Path:
    if request.param == "shared" and not SHARED_SET.is_dir():
        pytest.skip(SHARED_MISSING)
    return QUOTED if request.param == "fixture" else SHARED_SET


def csv_rows(path: Path) -> tuple[list[str], list[list[str | None]]]:
    """The file read by Python's csv module (tab-separated, `"` quoting): the header, then each row, '' as None."""
    with path.open(newline="", encoding="utf-8", errors="replace") as stream:
        reader = csv.reader(stream, delimiter="\t", quotechar='"', doublequote=True)
        header, *rows = list(reader)
    return header, [[value or None for value in row] for row in rows]


def test_a_quoted_value_is_read_as_filed_and_a_stray_quote_is_a_character():
    data = (
        b"ACCESSION_NUMBER\tOWNERSIGNATURENAME\n"
        b'0000000001-24-000001\t"/s/ Ann ""Nan"" Lee"\n'
        b'0000000001-24-000002\t/s/ "Bob\n'
        b'0000000001-24-000003\t"a"b"\n'
        b'0000000001-24-000004\t""\n'
        b'0000000001-24-000005\t"""Quoted"""\n'
    )
    frame, malformed = read_tsv("OWNER_SIGNATURE", data)
    assert malformed == []
    assert frame["OWNERSIGNATURENAME"].to_list() == ['/s/ Ann "Nan" Lee', '/s/ "Bob', '"a"b"', None, '"Quoted"']


def test_every_quoted_value_of_the_real_set_is_read_as_filed(quoted_folder: Path):
    quoted_values = 0
    for path in sorted(quoted_folder.glob("*.tsv")):
        header, expected = csv_rows(path)
        frame, malformed = read_tsv(path.stem, path.read_bytes())
        assert malformed == [] and frame.columns == header
        assert [list(row) for row in frame.rows()] == expected, path.name
        raw_fields = [field for line in path.read_text().splitlines()[1:] for field in line.split("\t")]
        quoted_values += sum(field.startswith('"') and field.endswith('"') for field in raw_fields)
        wrapped = frame.select(
            (pl.col(pl.String).str.starts_with('"') & pl.col(pl.String).str.ends_with('"')).sum()
        ).row(0)
        assert sum(wrapped) == 0, path.name  # no value is left quoted
    assert quoted_values == 398  # REMARKS 296, titles 87, natures 6, signature names 9


def test_a_quoted_title_or_nature_from_the_set_and_the_same_from_the_xml_are_one_security_and_one_vehicle(
    quoted_folder: Path, tmp_path: Path
):
    """The set's filings, then a Form 4 of the same owners and issuer carrying the same title and nature as its
    XML would (unquoted, as the csv module reads the set's line): they continue one holding, not start a second."""
    from bench.f345_generate import complete_quarter
    from orchestration.model_assets import calendar_frame
    from orchestration.sources.f345.load import load_f345_quarter
    from orchestration.warehouse_connection import connect, ensure_schema
    from orchestration.warehouse_load import load_filings
    from orchestration.warehouse_refresh import refresh_model

    complete_quarter(quoted_folder, tmp_path / "set")
    quarter = quarter_frames({path.stem: path.read_bytes() for path in (tmp_path / "set").glob("*.tsv")})
    header, rows = csv_rows(quoted_folder / "NONDERIV_HOLDING.tsv")
    filed = {row[0]: dict(zip(header, row, strict=True)) for row in rows if row[0] in (QUOTED_TITLE, QUOTED_NATURE)}
    connection = connect(tmp_path / "warehouse.duckdb")
    try:
        ensure_schema(connection)
        load_f345_quarter(connection, "2024q3", quarter, datetime(2026, 1, 1))
        pending = [row[0] for row in connection.sql("select accession_number from model_pending").fetchall()]
        refresh_model(connection, pending, calendar_frame(date(2026, 1, 1)))
        later = []
        for number, (accession, line) in enumerate(sorted(filed.items()), start=1):
            [(issuer,)] = connection.execute(
                "select issuer_cik from filings where accession_number = $a", {"a": accession}
            ).fetchall()
            owners = [
                cik
                for (cik,) in connection.execute(
                    "select owner_cik from filing_owners where accession_number = $a order by 1", {"a": accession}
                ).fetchall()
            ]
            holding = Line(
                following="1000",
                direct=line["DIRECT_INDIRECT_OWNERSHIP"],
                nature=line["NATURE_OF_OWNERSHIP"],
                title=line["SECURITY_TITLE"],
            )
            xml = Filing(f"0009999998-24-{number:06d}", "4", datetime(2024, 12, 2, 16, 0), "2024-11-29", owners)
            xml.issuer, xml.lines = issuer, [holding]
            later.append((accession, xml))
        parsed = [normalize_submission(xml.accession, xml.raw()) for _, xml in later]
        load_filings(connection, [xml.accession for _, xml in later], to_frames(parsed), [], [], datetime(2026, 1, 2))
        refresh_model(connection, [xml.accession for _, xml in later], calendar_frame(date(2026, 1, 1)))
        for accession, xml in later:
            title = filed[accession]["SECURITY_TITLE"]
            as_quoted = '"' + title.replace('"', '""') + '"'
            securities = connection.execute(
                "select security_title from securities where security_title in ($t, $q)", {"t": title, "q": as_quoted}
            ).fetchall()
            assert securities == [(title,)], accession
            vehicles = connection.execute(
                "select distinct vehicle_key from vehicle_decisions where accession_number in ($a, $b)",
                {"a": accession, "b": xml.accession},
            ).fetchall()
            assert len(vehicles) == 1, accession
            open_positions = connection.execute(
                "select count(*) from positions where position_key = $v and valid_to is null", {"v": vehicles[0][0]}
            ).fetchall()
            assert open_positions == [(1,)], accession
    finally:
        connection.close()


def test_the_fixture_lines_are_the_shared_sets_lines():
    if not SHARED_SET.is_dir():
        pytest.skip(SHARED_MISSING)
    for path in sorted(QUOTED.glob("*.tsv")):
        original = (SHARED_SET / path.name).read_text().splitlines()
        ours = path.read_text().splitlines()
        assert ours[0] == original[0]
        assert set(ours[1:]) <= set(original[1:]), path.name
