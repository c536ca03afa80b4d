"""The SEC's Form 345 data sets read as they really are, and reconciled field by field with the filings' XML.

fixtures/f345-2024q3-sample holds, with their headers, the rows of the real 2024q3 set
(../shared/edgar-real/f345-2024q3, five of its eight TSVs) for the four filings of edgar-real filed in that
quarter; the whole shared set is read too when ../shared is here.
"""

import os
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from orchestration.warehouse_connection import default_memory_limit, history_memory_limit, memory_limit
from tests.conftest import PROJECT_ROOT, SHARED, SHARED_MISSING, read_table
from tests.real_corpus import real_submissions
from transforms.f345.reader import F345FormatError, quarter_frames, read_tsv
from transforms.normalize import NormalizedFiling, normalize_submission, to_frames

SAMPLE = PROJECT_ROOT / "fixtures" / "f345-2024q3-sample"
SHARED_SET = SHARED / "edgar-real" / "f345-2024q3"
IN_THE_QUARTER = ["0001062993-24-014684", "0001415889-24-019064", "0001415889-24-020383", "0001628280-24-031146"]


def tsv_files(folder: Path) -> dict[str, bytes]:
    return {path.stem: path.read_bytes() for path in sorted(folder.glob("*.tsv"))}


@pytest.fixture(params=["fixture", "shared"])
def quarter_folder(request: pytest.FixtureRequest) -> Path:
    if request.param == "shared" and not SHARED_SET.is_dir():
        pytest.skip(SHARED_MISSING)
    return SAMPLE if request.param == "fixture" else SHARED_SET


def test_every_line_of_every_file_is_one_row(quarter_folder: Path):
    """A `"` never joins lines (296 lines of the real SUBMISSION.tsv hold one, quoted or not)."""
    files = tsv_files(quarter_folder)
    quarter = quarter_frames(files)
    lines = {name: data.count(b"\n") - 1 for name, data in files.items()}  # the header, then one line per row
    assert quarter.frames["filings"].height == lines["SUBMISSION"]
    assert quarter.frames["signatures"].height == lines["OWNER_SIGNATURE"]
    assert quarter.frames["holdings"].height == lines["NONDERIV_HOLDING"] + lines["DERIV_HOLDING"]
    assert quarter.frames["transactions"].height == lines.get("NONDERIV_TRANS", 0) + lines["DERIV_TRANS"]
    assert quarter.unparsed_values == {}


def test_a_quote_is_a_character():
    data = b'ACCESSION_NUMBER\tOWNERSIGNATURENAME\tOWNERSIGNATUREDATE\n0000000001-24-000001\t/s/ "Bob\t03-SEP-2024\n'
    data += b"0000000001-24-000002\t/s/ Ann\t04-sep-2024\n"
    signatures = quarter_frames({"OWNER_SIGNATURE": data}).frames["signatures"]
    assert signatures.select("signature_name", "signature_date").rows() == [
        ('/s/ "Bob', date(2024, 9, 3)),
        ("/s/ Ann", date(2024, 9, 4)),
    ]


def test_columns_are_mapped_by_the_header_read_and_an_unknown_one_is_kept():
    header = "ACCESSION_NUMBER\tNONDERIV_TRANS_SK\tSECURITY_TITLE\tTRANS_CODE\tEQUITY_SWAP_TRANS_CD_FN\tNEW_FLAG\n"
    rows = "0000000001-24-000001\t7\tCommon Stock\tP\tF1,F2\tyes\n0000000001-24-000001\t5\tCommon Stock\tS\t\t\n"
    quarter = quarter_frames({"NONDERIV_TRANS": (header + rows).encode()})
    lines = quarter.frames["transactions"].sort("line_number")
    # line numbers follow the *_SK key: 5 before 7
    assert lines.select("line_number", "transaction_code", "transaction_coding_footnote_ids").rows() == [
        (1, "S", []),
        (2, "P", ["F1", "F2"]),
    ]
    assert quarter.unknown_columns == [("NONDERIV_TRANS", "NEW_FLAG")]
    assert quarter.frames["unknown_elements"].select("path", "xml").rows() == [("f345:NONDERIV_TRANS/NEW_FLAG", "yes")]


def test_lines_of_interleaved_filings_are_numbered_per_filing_by_key_then_file_order():
    header = "ACCESSION_NUMBER\tNONDERIV_HOLDING_SK\tSECURITY_TITLE\n"
    # (accession, key, title): two filings' lines mixed, keys out of order, one key missing and one not a number
    given = [
        ("0000000001-24-000002", "40", "b40"),
        ("0000000001-24-000001", "9", "a9"),
        ("0000000001-24-000002", "", "b-no-key"),
        ("0000000001-24-000001", "3", "a3"),
        ("0000000001-24-000002", "x", "b-bad-key"),
        ("0000000001-24-000002", "12", "b12"),
    ]
    data = header + "".join("\t".join(row) + "\n" for row in given)
    holdings = quarter_frames({"NONDERIV_HOLDING": data.encode()}).frames["holdings"]
    numbered = set(holdings.select("accession_number", "line_number", "security_title").rows())
    expected = set()
    for accession in {row[0] for row in given}:
        lines = [(index, row) for index, row in enumerate(given) if row[0] == accession]
        # no key (or one that is not a number) first, in file order; then by key
        lines.sort(key=lambda item: (item[1][1].isdigit(), int(item[1][1]) if item[1][1].isdigit() else 0, item[0]))
        expected |= {(accession, number, row[2]) for number, (_, row) in enumerate(lines, start=1)}
    assert numbered == expected


def test_rows_of_an_accession_submission_does_not_list_are_left_out_and_counted():
    submission = "ACCESSION_NUMBER\tDOCUMENT_TYPE\n0000000001-24-000001\t4\n\t4\n"
    holdings = "ACCESSION_NUMBER\tNONDERIV_HOLDING_SK\tSECURITY_TITLE\n"
    holdings += "0000000001-24-000001\t1\tCommon\n0000000001-24-000009\t2\tCommon\n\t3\tCommon\n"
    quarter = quarter_frames({"SUBMISSION": submission.encode(), "NONDERIV_HOLDING": holdings.encode()})
    assert quarter.frames["filings"]["accession_number"].to_list() == ["0000000001-24-000001"]
    assert quarter.frames["holdings"]["accession_number"].to_list() == ["0000000001-24-000001"]
    assert quarter.frames["filings"]["holding_count"].to_list() == [1]
    assert quarter.orphan_rows == {"filings": 1, "holdings": 2}


def test_a_value_that_does_not_parse_is_counted_not_guessed():
    header = "ACCESSION_NUMBER\tFILING_DATE\tDOCUMENT_TYPE\tISSUERCIK\tAFF10B5ONE\n"
    data = (header + "0000000001-24-000001\t31-JUX-2024\t4\t0000320193\t1\n").encode()
    quarter = quarter_frames({"SUBMISSION": data})
    row = quarter.frames["filings"].row(0, named=True)
    assert (row["filing_date"], row["form_type"], row["issuer_cik"], row["aff10b5_one"]) == (None, "4", 320193, True)
    assert quarter.unparsed_values == {"filings.filing_date": 1}


@pytest.mark.parametrize("data", [b"", b"\n", b"NAME\tOTHER\nx\ty\n"])
def test_a_file_that_is_not_a_data_set_file_is_refused_by_name(data: bytes):
    with pytest.raises(F345FormatError, match="SUBMISSION"):
        read_tsv("SUBMISSION", data)


def xml_frames() -> dict[str, pl.DataFrame]:
    """The four filings' own XML, parsed by the filing path."""
    submissions = dict(real_submissions(PROJECT_ROOT / "fixtures" / "edgar-real"))
    parsed = [normalize_submission(accession, submissions[accession]) for accession in IN_THE_QUARTER]
    assert all(isinstance(filing, NormalizedFiling) for filing in parsed)
    return to_frames(parsed)


COMPARED = {
    # table → its key and the columns both sources carry (the set has no acceptance time, schema version, header)
    "filings": (
        ["accession_number"],
        [
            "form_type",
            "period_of_report",
            "date_of_original_submission",
            "not_subject_to_section16",
            "issuer_cik",
            "issuer_name",
            "issuer_trading_symbol",
            "remarks",
        ],
    ),
    "holdings": (
        ["accession_number", "table_kind", "line_number"],
        [
            "security_title",
            "security_title_footnote_ids",
            "shares_owned_following_transaction",
            "shares_owned_following_transaction_footnote_ids",
            "value_owned_following_transaction",
            "direct_or_indirect_ownership",
            "nature_of_ownership",
            "nature_of_ownership_footnote_ids",
            "conversion_or_exercise_price",
            "expiration_date",
            "underlying_security_title",
        ],
    ),
    "signatures": (["accession_number", "line_number"], ["signature_name", "signature_date"]),
}


@pytest.mark.parametrize("table", list(COMPARED))
def test_the_four_real_filings_agree_field_by_field_with_their_xml(quarter_folder: Path, table: str):
    keys, columns = COMPARED[table]
    f345 = quarter_frames(tsv_files(quarter_folder)).frames[table]
    f345 = f345.filter(pl.col("accession_number").is_in(IN_THE_QUARTER)).select(keys + columns).sort(keys)
    xml = xml_frames()[table].select(keys + columns).sort(keys)
    assert f345.height == xml.height > 0
    disagreements = [
        (column, row_key, a, b)
        for column in columns
        for row_key, a, b in zip(xml.select(keys).rows(), f345[column].to_list(), xml[column].to_list(), strict=True)
        if a != b
    ]
    assert disagreements == []


def test_every_column_the_sets_metadata_describes_is_mapped_or_kept():
    """FORM_345_metadata.json describes all eight files, the three missing here too: a file written with exactly
    its columns maps each to a warehouse column, except the few the warehouse has no column for, which are kept
    value by value in unknown_elements (never dropped)."""
    import json

    metadata = json.loads((SAMPLE / "FORM_345_metadata.json").read_text())
    files = {}
    for table in metadata["tables"]:
        columns = [column["name"] for column in table["tableSchema"]["columns"]]
        row = [
            "0000000001-24-000001" if name == "ACCESSION_NUMBER" else "1" if name.endswith("_SK") else "x"
            for name in columns
        ]
        files[table["url"].removesuffix(".tsv")] = ("\t".join(columns) + "\n" + "\t".join(row) + "\n").encode()
    quarter = quarter_frames(files)
    assert sorted(quarter.unknown_columns) == [
        ("DERIV_HOLDING", "TRANS_FORM_TYPE_FN"),
        ("NONDERIV_HOLDING", "TRANS_FORM_TYPE_FN"),
        ("REPORTINGOWNER", "FILE_NUMBER"),
        ("SUBMISSION", "CONTACT_EMAIL_ADDRESS"),
        ("SUBMISSION", "CONTACT_NAME"),
        ("SUBMISSION", "CONTACT_PHONE_NUMBER"),
        ("SUBMISSION", "NOTIFICATION_EMAIL_ADDRESS"),
    ]
    assert quarter.frames["unknown_elements"].height == 7
    assert {table: frame.height for table, frame in quarter.frames.items() if table != "unknown_elements"} == {
        "filings": 1,
        "filing_owners": 1,
        "transactions": 2,
        "holdings": 2,
        "footnotes": 1,
        "signatures": 1,
    }


def test_an_owners_roles_come_from_its_relationship_string():
    header = "ACCESSION_NUMBER\tRPTOWNERCIK\tRPTOWNERNAME\tRPTOWNER_RELATIONSHIP\tRPTOWNER_TITLE\n"
    rows = (
        "0000000001-24-000001\t0001519339\tHoffman Reid\tDirector,TenPercentOwner\t\n"
        "0000000001-24-000001\t0001222287\tBotha Roelof\tOfficer\tChief Executive Officer\n"
        "0000000001-24-000002\t0001891801\tSomeone\t\t\n"
    )
    owners = quarter_frames({"REPORTINGOWNER": (header + rows).encode()}).frames["filing_owners"]
    assert owners.select(
        "owner_position", "owner_cik", "is_director", "is_officer", "is_ten_percent_owner", "is_other", "officer_title"
    ).rows() == [
        (1, 1519339, True, False, True, False, None),
        (2, 1222287, False, True, False, False, "Chief Executive Officer"),
        (1, 1891801, None, None, None, None, None),
    ]


def test_a_quarter_loads_idempotently_and_a_filings_own_xml_replaces_its_rows(tmp_path: Path):
    from datetime import datetime

    from orchestration.sources.f345.load import load_f345_quarter
    from orchestration.warehouse_connection import connect, ensure_schema
    from orchestration.warehouse_load import load_filings

    connection = connect(tmp_path / "warehouse.duckdb")
    try:
        ensure_schema(connection)
        quarter = quarter_frames(tsv_files(SAMPLE))
        first = load_f345_quarter(connection, "2024q3", quarter, datetime(2026, 1, 1))
        assert (first.loaded, first.kept) == (4, 0)
        counts = (
            "select (select count(*) from filings), (select count(*) from holdings), (select count(*) from signatures)"
        )
        before = connection.sql(counts).fetchall()
        assert before == [(4, 19, 4)]
        # the set's rows feed the model like any filing's (no acceptance time: ordered by filing date)
        from orchestration.model_assets import calendar_frame
        from orchestration.warehouse_refresh import refresh_model

        pending = [row[0] for row in connection.sql("select accession_number from model_pending").fetchall()]
        refresh_model(connection, pending, calendar_frame(date(2026, 1, 1)))
        assert connection.sql("select count(*) from vehicle_decisions").fetchall() == [(19,)]
        # REPORTINGOWNER is one of the three files the shared set lacks: no owners, so one group per issuer ('')
        assert connection.sql("select distinct owner_group_key from filing_status").fetchall() == [("",)]
        again = load_f345_quarter(connection, "2024q3", quarter, datetime(2026, 1, 2))
        assert (again.loaded, connection.sql(counts).fetchall()) == (4, before)

        square = "0001628280-24-031146"
        parsed = normalize_submission(square, dict(real_submissions(PROJECT_ROOT / "fixtures" / "edgar-real"))[square])
        load_filings(connection, [square], to_frames([parsed]), [], [], datetime(2026, 1, 3))
        sources = connection.sql(
            "select accession_number, source, f345_quarter from filing_sources order by 1"
        ).fetchall()
        assert (square, "filing", None) in sources and len(sources) == 4
        assert {row[1] for row in sources if row[0] != square} == {"f345"}
        # the filing's own rows, with what the set does not carry (acceptance time, raw bytes) now present
        [(accepted, raw_bytes, holdings)] = connection.execute(
            "select acceptance_datetime, raw_bytes, holding_count from filings where accession_number = ?", [square]
        ).fetchall()
        assert accepted is not None and raw_bytes > 0 and holdings == 8

        third = load_f345_quarter(connection, "2024q3", quarter, datetime(2026, 1, 4))
        assert (third.loaded, third.kept) == (3, 1)
        assert connection.execute(
            "select source from filing_sources where accession_number = ?", [square]
        ).fetchall() == [("filing",)]
    finally:
        connection.close()


def test_the_quarter_job_fetches_over_loopback_loads_and_publishes_and_an_unpublished_quarter_is_normal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A real Dagster run of load_f345_quarters against a mirror serving the sample quarter's zip at the second of
    the SEC's two known paths; the current quarter, which the mirror does not have, succeeds as 'not published'
    (yet: its publication deadline has not passed). Launched as
    the UI launches it (not through the command line), it runs under the history load's memory limit."""
    import dagster as dg
    import duckdb

    from mirror.server import serve_in_background
    from orchestration.definitions import defs
    from orchestration.resources import AlertsResource, EdgarResource, ParsingResource, StorageResource
    from orchestration.run_window import new_york_today
    from tests.conftest import LOOPBACK_RATE, TEST_USER_AGENT
    from transforms.f345.files import zip_name
    from transforms.quarters import quarter_label, quarter_start

    root = tmp_path / "mirror"
    served = sample_quarter_mirror(root)
    data_dir = tmp_path / "data"
    monkeypatch.delenv("INSIDER_DUCKDB_MEMORY_LIMIT", raising=False)
    job = defs.resolve_job_def("load_f345_quarters")
    with serve_in_background([root]) as mirror:
        resources = {
            "storage": StorageResource(data_dir=str(data_dir)),
            "edgar": EdgarResource(
                user_agent=TEST_USER_AGENT,
                base_url=mirror.base_url,
                requests_per_second=LOOPBACK_RATE,
                backoff_seconds=0.01,
            ),
            "parsing": ParsingResource(),
            "alerts": AlertsResource(),
        }
        with dg.DagsterInstance.ephemeral() as instance:
            published = job.execute_in_process(partition_key="2024-07-01", resources=resources, instance=instance)
            # the quarter under way is no partition key yet (its window has not closed): a range of it, as the CLI runs
            current = quarter_start(quarter_label(new_york_today())).isoformat()
            tags = {"dagster/asset_partition_range_start": current, "dagster/asset_partition_range_end": current}
            missing = job.execute_in_process(tags=tags, resources=resources, instance=instance)
    assert published.success and missing.success
    [quarter_event] = [
        event
        for event in published.get_asset_materialization_events()
        if event.asset_key.to_user_string() == "f345_quarter"
    ]
    assert quarter_event.materialization.metadata["filings loaded"].value == 4
    assert quarter_event.materialization.metadata["DuckDB memory limit"].value == duckdb_spelling(
        history_memory_limit()
    )
    assert quarter_event.materialization.metadata["quarters"].value["2024q3"]["published"] is True
    [absent] = [
        event
        for event in missing.get_asset_materialization_events()
        if event.asset_key.to_user_string() == "f345_quarter"
    ]
    assert absent.materialization.metadata["quarters not published"].value == [quarter_label(new_york_today())]
    assert (data_dir / "raw" / "f345" / zip_name("2024q3")).read_bytes() == served
    connection = duckdb.connect(str(data_dir / "published" / "warehouse.duckdb"), read_only=True)
    try:
        assert connection.sql("select source, count(*) from filing_sources group by 1").fetchall() == [("f345", 4)]
        assert connection.sql("select count(*) from positions").fetchall()[0][0] > 0
    finally:
        connection.close()


def test_a_zip_that_is_not_a_data_set_is_refused_with_what_is_wrong():
    import io
    import zipfile

    from transforms.f345.files import F345ZipError, read_quarter_zip
    from transforms.quarters import quarter_label, quarter_start

    with pytest.raises(F345ZipError, match="not a zip file"):
        read_quarter_zip(b"<html>Service unavailable</html>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "nothing here")
    with pytest.raises(F345ZipError, match=r"no SUBMISSION\.tsv"):
        read_quarter_zip(buffer.getvalue())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # two SUBMISSION.tsv, the second with a line the first lacks
        archive.writestr("SUBMISSION.tsv", (SAMPLE / "SUBMISSION.tsv").read_bytes())
        archive.writestr("old/SUBMISSION.tsv", (SAMPLE / "SUBMISSION.tsv").read_bytes() + b"extra\n")
    with pytest.raises(F345ZipError, match=r"old/SUBMISSION\.tsv: a second SUBMISSION\.tsv"):
        read_quarter_zip(buffer.getvalue())
    assert (quarter_label(date(2024, 7, 1)), quarter_start("2024Q3")) == ("2024q3", date(2024, 7, 1))
    with pytest.raises(ValueError, match=r"e\.g\. 2024q3"):
        quarter_start("2024-07")


def sample_quarter_mirror(root: Path) -> bytes:
    """A mirror folder serving the sample quarter's zip at the second of the SEC's two known paths."""
    import io
    import zipfile

    from transforms.f345.files import DATA_SET_FOLDERS, zip_name

    target = root / DATA_SET_FOLDERS[1].strip("/") / zip_name("2024q3")
    target.parent.mkdir(parents=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(SAMPLE.iterdir()):
            archive.write(path, path.name)
    target.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def test_the_f345_command_loads_a_range_of_quarters_and_says_what_it_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    import duckdb

    from mirror.server import serve_in_background
    from orchestration import cli
    from tests.conftest import TEST_USER_AGENT

    sample_quarter_mirror(tmp_path / "mirror")
    monkeypatch.setenv("INSIDER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EDGAR_USER_AGENT", TEST_USER_AGENT)
    monkeypatch.setenv("EDGAR_REQUESTS_PER_SECOND", "500")
    monkeypatch.delenv("INSIDER_DUCKDB_MEMORY_LIMIT", raising=False)
    with serve_in_background([tmp_path / "mirror"]) as mirror:
        monkeypatch.setenv("EDGAR_BASE_URL", mirror.base_url)
        assert cli.main(["f345", "--start", "2024q3", "--end", "2024q3"]) == 0
    printed = capsys.readouterr()
    assert "filings" in printed.out
    assert f"a DuckDB memory limit of {history_memory_limit()}" in printed.err
    assert "INSIDER_DUCKDB_MEMORY_LIMIT" not in os.environ  # the run's limit did not outlive it
    connection = duckdb.connect(str(tmp_path / "data" / "published" / "warehouse.duckdb"), read_only=True)
    try:
        assert connection.sql("select f345_quarter, count(*) from filing_sources group by 1").fetchall() == [
            ("2024q3", 4)
        ]
    finally:
        connection.close()


def duckdb_spelling(limit: str) -> str:
    """`limit` as DuckDB prints it back (e.g. '2GB' → '1.8 GiB'), asked of an in-memory DuckDB."""
    import duckdb

    connection = duckdb.connect(":memory:", config={"memory_limit": limit})
    try:
        return connection.execute("select current_setting('memory_limit')").fetchall()[0][0]
    finally:
        connection.close()


def test_a_history_load_runs_under_its_memory_limit_unless_one_is_set(tmp_path: Path):
    from orchestration.warehouse_connection import OpeningLimits, connect, kept_open, opening_limits

    def gigabytes(limit: str) -> int:
        return int(limit.removesuffix("GB"))

    def kept_limit(path: Path, history_load: bool) -> str:
        with kept_open(path, history_load=history_load):
            connection = connect(path)
            try:
                return connection.execute("select current_setting('memory_limit')").fetchall()[0][0]
            finally:
                connection.close()

    assert 1 <= gigabytes(history_memory_limit()) <= min(2, gigabytes(default_memory_limit()))
    assert memory_limit(history_load=True) == history_memory_limit()
    assert memory_limit() == default_memory_limit()
    warehouse = tmp_path / "warehouse.duckdb"
    assert kept_limit(warehouse, history_load=True) == duckdb_spelling(history_memory_limit())
    assert kept_limit(warehouse, history_load=False) == duckdb_spelling(default_memory_limit())
    with opening_limits(OpeningLimits(memory_limit="3GB")):
        assert memory_limit(history_load=True) == "3GB"
        assert kept_limit(warehouse, history_load=True) == duckdb_spelling("3GB")
    assert memory_limit(history_load=True) == history_memory_limit()


def test_history_loads_are_the_quarters_job_or_any_run_of_the_quarters_asset():
    import dagster as dg

    from orchestration.history_load import F345_ASSET, F345_JOB, is_history_load

    assert is_history_load(dg.DagsterRun(job_name=F345_JOB))
    assert is_history_load(dg.DagsterRun(job_name="__ASSET_JOB", asset_selection=frozenset({dg.AssetKey(F345_ASSET)})))
    assert not is_history_load(dg.DagsterRun(job_name="ingest_edgar_days"))
    assert not is_history_load(
        dg.DagsterRun(job_name="__ASSET_JOB", asset_selection=frozenset({dg.AssetKey("positions")}))
    )
    assert not is_history_load(None)


def disagreements(connection) -> list[tuple[str, str, int]]:
    """(table, column, rows that disagree) of every column f345_reconciliation found disagreeing."""
    return connection.sql(
        "select table_name, column_name, compared - agreeing - rounded_in_f345 from f345_reconciliation "
        "where compared <> agreeing + rounded_in_f345"
    ).fetchall()


def test_the_reconciliation_model_counts_agreement_per_table_and_column(quarter_folder: Path, tmp_path: Path):
    """The four filings loaded from their own XML first, then the quarter: they are kept, and every column the set
    carries agrees on every row (transactions: the set has no NONDERIV_TRANS, and the four have no derivative
    transactions, so nothing is compared there, and nothing is reported missing either)."""
    from datetime import datetime

    from orchestration.sources.f345.load import load_f345_quarter
    from orchestration.warehouse_connection import connect, ensure_schema
    from orchestration.warehouse_load import load_filings

    connection = connect(tmp_path / "warehouse.duckdb")
    try:
        ensure_schema(connection)
        submissions = dict(real_submissions(PROJECT_ROOT / "fixtures" / "edgar-real"))
        parsed = [normalize_submission(accession, submissions[accession]) for accession in IN_THE_QUARTER]
        load_filings(connection, IN_THE_QUARTER, to_frames(parsed), [], [], datetime(2026, 1, 1))
        loaded = load_f345_quarter(
            connection, "2024q3", quarter_frames(tsv_files(quarter_folder)), datetime(2026, 1, 2)
        )
        kept = connection.sql(
            "select table_name, max(compared), sum(rows_only_in_f345 + rows_only_in_filing) "
            "from f345_reconciliation where f345_quarter = '2024q3' group by 1 order by 1"
        ).fetchall()
        differing = disagreements(connection)
        given = connection.sql(
            "select compared, agreeing from f345_reconciliation "
            "where table_name = 'holdings' and column_name = 'values_given_by_footnote'"
        ).fetchall()
    finally:
        connection.close()
    assert given == [(19, 19)]  # compared like any carried column
    assert loaded.kept == 4
    assert kept == [("filings", 4, 0), ("holdings", 19, 0), ("signatures", 4, 0), ("transactions", 0, 0)]
    # The one disagreement is ours: these four are bare XMLs, which tests/real_corpus.py wraps in an SGML header
    # dated on their period of report; the set has the date they were really filed.
    assert differing == [("filings", "filing_date", 4)]


ALL_CHECKS = sorted(path.stem for path in (PROJECT_ROOT / "sql" / "checks").glob("*.sql"))


def test_the_quarter_completed_with_generated_files_loads_whole_and_the_filings_replace_their_rows(
    quarter_folder: Path, tmp_path: Path
):
    """The real set plus generated NONDERIV_TRANS, REPORTINGOWNER and FOOTNOTES (bench/f345_generate.py) loads as a
    whole quarter: every filing has owners, every line a vehicle, every warehouse check passes. The four filings'
    own XML then replaces their rows (the generated owners and lines go), and a reload of the set keeps them."""
    from datetime import datetime

    from bench.f345_generate import complete_quarter
    from orchestration.model_assets import calendar_frame
    from orchestration.sources.f345.load import load_f345_quarter
    from orchestration.warehouse_connection import connect, ensure_schema
    from orchestration.warehouse_load import load_filings
    from orchestration.warehouse_refresh import refresh_model

    assert complete_quarter(quarter_folder, tmp_path / "set") == ["REPORTINGOWNER", "NONDERIV_TRANS", "FOOTNOTES"]
    quarter = quarter_frames(tsv_files(tmp_path / "set"))
    assert quarter.unparsed_values == {}
    submissions = quarter.frames["filings"].height
    connection = connect(tmp_path / "warehouse.duckdb")
    try:
        ensure_schema(connection)
        assert load_f345_quarter(connection, "2024q3", quarter, datetime(2026, 1, 1)).loaded == submissions
        pending = [row[0] for row in connection.sql("select accession_number from model_pending").fetchall()]
        refresh_model(connection, pending, calendar_frame(date(2026, 1, 1)))
        [(without_owner, groups, lines, decided, positions)] = connection.sql(
            """
            select
                (select count(*) from filing_status where owner_group_key = ''),
                (select count(distinct owner_group_key) from filing_status),
                (
                    select count(*) from transactions inner join filing_status using (accession_number)
                    where transactions_superseded_by is null
                ) + (
                    select count(*) from holdings inner join filing_status using (accession_number)
                    where holdings_superseded_by is null
                ),
                (select count(*) from vehicle_decisions),
                (select count(*) from positions)
            """
        ).fetchall()
        assert without_owner == 0 and groups > 1 and positions > 0
        assert decided == lines  # every line an amendment does not restate has its vehicle
        violations = {
            check: len(connection.sql((PROJECT_ROOT / "sql" / "checks" / f"{check}.sql").read_text()).fetchall())
            for check in ALL_CHECKS
        }
        assert violations == dict.fromkeys(ALL_CHECKS, 0)

        real = dict(real_submissions(PROJECT_ROOT / "fixtures" / "edgar-real"))
        parsed = [normalize_submission(accession, real[accession]) for accession in IN_THE_QUARTER]
        load_filings(connection, IN_THE_QUARTER, to_frames(parsed), [], [], datetime(2026, 1, 2))
        refresh_model(connection, IN_THE_QUARTER, calendar_frame(date(2026, 1, 1)))
        owners = connection.execute(
            "select accession_number, owner_cik from filing_owners where list_contains($a, accession_number) "
            "order by 1, 2",
            {"a": IN_THE_QUARTER},
        ).fetchall()
        xml_owners = sorted(to_frames(parsed)["filing_owners"].select("accession_number", "owner_cik").rows())
        assert owners == xml_owners
        again = load_f345_quarter(connection, "2024q3", quarter, datetime(2026, 1, 3))
        assert (again.loaded, again.kept) == (submissions - 4, 4)
        assert connection.execute("select count(*) from filing_sources where source = 'filing'").fetchall() == [(4,)]
    finally:
        connection.close()


def test_two_filings_of_one_date_make_one_name_interval_not_an_empty_one(tmp_path: Path):
    """The sets give a filing date, not an acceptance time: an issuer renamed in a second filing of the same day
    (as Skyline Champion became Champion Homes on 2024-08-05 in the real set) is named that day by the later
    accession, and no interval has length zero."""
    from datetime import datetime

    from orchestration.model_assets import calendar_frame
    from orchestration.sources.f345.load import load_f345_quarter
    from orchestration.warehouse_connection import connect, ensure_schema
    from orchestration.warehouse_refresh import refresh_model

    files = tsv_files(SAMPLE)
    header, first, *_ = files["SUBMISSION"].decode().splitlines()
    renamed = first.split("\t")
    renamed[0] = renamed[0][:-1] + ("0" if renamed[0][-1] != "0" else "1")  # ordered before the original
    renamed[header.split("\t").index("ISSUERNAME")] = "Renamed Holdings Inc"
    files["SUBMISSION"] = (files["SUBMISSION"].decode().rstrip("\n") + "\n" + "\t".join(renamed) + "\n").encode()
    connection = connect(tmp_path / "warehouse.duckdb")
    try:
        ensure_schema(connection)
        load_f345_quarter(connection, "2024q3", quarter_frames(files), datetime(2026, 1, 1))
        pending = [row[0] for row in connection.sql("select accession_number from model_pending").fetchall()]
        refresh_model(connection, pending, calendar_frame(date(2026, 1, 1)))
        issuer = int(renamed[header.split("\t").index("ISSUERCIK")])
        intervals = connection.execute(
            "select issuer_name, valid_from, valid_to from issuers where issuer_cik = ? order by valid_from", [issuer]
        ).fetchall()
    finally:
        connection.close()
    later = max(first.split("\t")[0], renamed[0])
    expected_name = (
        "Renamed Holdings Inc" if later == renamed[0] else first.split("\t")[header.split("\t").index("ISSUERNAME")]
    )
    assert all(valid_to is None or valid_to > valid_from for _, valid_from, valid_to in intervals)
    filed = datetime.strptime(renamed[header.split("\t").index("FILING_DATE")], "%d-%b-%Y")
    held = [name for name, start, end in intervals if start <= filed and (end is None or end > filed)]
    assert held == [expected_name]


def test_generated_quarters_have_the_real_files_headers_and_read_back_whole(tmp_path: Path):
    """bench/f345_generate.py writes the real headers (checked against the real files the sample has) and every
    line reads back as one row with no unparsed value, whatever its stray quotes."""
    from bench.f345_generate import COLUMNS, generate_quarter

    counts = generate_quarter(tmp_path, "2024q1", 2_000, issuers=50)
    for path in SAMPLE.glob("*.tsv"):
        assert (tmp_path / path.name).read_text().splitlines()[0] == path.read_text().splitlines()[0]
    assert set(COLUMNS) == {path.stem for path in tmp_path.glob("*.tsv")}
    quarter = quarter_frames(tsv_files(tmp_path))
    assert quarter.unparsed_values == {} and ("REPORTINGOWNER", "FILE_NUMBER") in quarter.unknown_columns
    assert b'"' in (tmp_path / "REPORTINGOWNER.tsv").read_bytes()
    assert quarter.frames["filings"].height == counts["SUBMISSION"] == 2_000
    assert quarter.frames["filing_owners"].height == counts["REPORTINGOWNER"]
    assert quarter.frames["transactions"].height == counts["NONDERIV_TRANS"] + counts["DERIV_TRANS"]


def mirror_with_real_filings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, accessions: list[str]) -> None:
    """A mirror folder (tmp_path/mirror) serving the sample quarter's zip and the real submissions of `accessions`
    at their EDGAR paths, and the environment of a run against it (warehouse under tmp_path/data); the base URL is
    set once the mirror is served."""
    from tests.conftest import TEST_USER_AGENT
    from transforms.accession import Accession
    from transforms.edgar_urls import submission_path

    sample_quarter_mirror(tmp_path / "mirror")
    issuers = dict(quarter_frames(tsv_files(SAMPLE)).frames["filings"].select("accession_number", "issuer_cik").rows())
    real = dict(real_submissions(PROJECT_ROOT / "fixtures" / "edgar-real"))
    for accession in accessions:
        target = tmp_path / "mirror" / submission_path(Accession.parse(accession), issuers[accession])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(real[accession])
    monkeypatch.setenv("INSIDER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EDGAR_USER_AGENT", TEST_USER_AGENT)
    monkeypatch.setenv("EDGAR_REQUESTS_PER_SECOND", "500")


def test_verify_fetches_a_sample_of_each_quarter_and_reconciles_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """`f345 --verify 4` over a mirror serving the quarter's zip and three of its four filings: the three are
    loaded from their own submission and compared with the set (every carried column agrees but the filing date our
    test envelope invents); the fourth, not found, keeps the set's rows and is recorded in ingest_failures."""
    import duckdb

    from mirror.server import serve_in_background
    from orchestration import cli
    from orchestration.resources import StorageResource

    missing = IN_THE_QUARTER[0]
    mirror_with_real_filings(tmp_path, monkeypatch, IN_THE_QUARTER[1:])
    with serve_in_background([tmp_path / "mirror"]) as mirror:
        monkeypatch.setenv("EDGAR_BASE_URL", mirror.base_url)
        assert cli.main(["f345", "--start", "2024q3", "--end", "2024q3", "--verify", "4"]) == 0
    capsys.readouterr()
    connection = duckdb.connect(str(tmp_path / "data" / "published" / "warehouse.duckdb"), read_only=True)
    try:
        sources = dict(connection.sql("select accession_number, source from filing_sources").fetchall())
        failed = connection.sql("select subject, stage from ingest_failures").fetchall()
        compared = connection.sql(
            "select table_name, max(compared) from f345_reconciliation where compared > 0 group by 1 order by 1"
        ).fetchall()
        differing = disagreements(connection)
    finally:
        connection.close()
    assert sources == {accession: "filing" for accession in IN_THE_QUARTER[1:]} | {missing: "f345"}
    assert failed == [(missing, "fetch")]
    archive = StorageResource(data_dir=str(tmp_path / "data")).raw_archive  # fetched once, kept like the nightly's
    assert [archive.has(accession) for accession in IN_THE_QUARTER] == [False, True, True, True]
    assert [table for table, _ in compared] == ["filings", "holdings", "signatures"]
    assert dict(compared)["filings"] == 3
    assert differing == [("filings", "filing_date", 3)]


def test_the_verification_sample_is_the_same_on_every_run_and_of_the_size_asked():
    from transforms.f345.reconcile import verification_sample

    filings = quarter_frames(tsv_files(SAMPLE)).frames["filings"]
    two = verification_sample(filings, 2)
    assert two == verification_sample(filings.reverse(), 2) and len(two) == 2
    assert {accession for accession, _ in verification_sample(filings, 10)} == set(IN_THE_QUARTER)
    assert verification_sample(filings, 0) == []
    three = verification_sample(filings, 3)
    assert verification_sample(filings, 2, already_compared={three[0][0]}) == three[1:]


def test_a_second_verify_fetches_filings_the_first_did_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """`f345 --verify 1` run twice on one quarter: a filing already loaded from its own submission is reconciled
    without a fetch, so the second run draws another one, and two filings are compared, not the same one twice."""
    import duckdb

    from mirror.server import serve_in_background
    from orchestration import cli

    mirror_with_real_filings(tmp_path, monkeypatch, IN_THE_QUARTER)
    from_filings = []
    with serve_in_background([tmp_path / "mirror"]) as mirror:
        monkeypatch.setenv("EDGAR_BASE_URL", mirror.base_url)
        for _ in range(2):
            assert cli.main(["f345", "--start", "2024q3", "--end", "2024q3", "--verify", "1"]) == 0
            connection = duckdb.connect(str(tmp_path / "data" / "published" / "warehouse.duckdb"), read_only=True)
            try:
                from_filings.append(
                    connection.sql("select accession_number from filing_sources where source = 'filing'").fetchall()
                )
                [(compared,)] = connection.sql(
                    "select max(compared) from f345_reconciliation where table_name = 'filings'"
                ).fetchall()
            finally:
                connection.close()
            assert compared == len(from_filings[-1])
    capsys.readouterr()
    assert [len(accessions) for accessions in from_filings] == [1, 2]
    assert set(from_filings[0]) < set(from_filings[1])


def test_the_nightly_continues_where_the_newest_quarter_loaded_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import dagster as dg

    from mirror.server import serve_in_background
    from orchestration import cli
    from orchestration.definitions import defs
    from orchestration.resources import StorageResource
    from orchestration.run_window import nightly_window_of
    from tests.conftest import TEST_USER_AGENT

    sample_quarter_mirror(tmp_path / "mirror")
    business_days = [date(2024, 10, day) for day in (1, 2, 3, 4, 7, 8)]
    for day in business_days:  # daily indexes listing one filing that is not an ownership form
        index = tmp_path / "mirror" / "Archives/edgar/daily-index/2024/QTR4" / f"master.{day:%Y%m%d}.idx"
        index.parent.mkdir(parents=True, exist_ok=True)
        index.write_text(
            "Description:           Master Index of EDGAR Dissemination Feed\n\n"
            "CIK|Company Name|Form Type|Date Filed|Filename\n" + "-" * 80 + "\n"
            f"9990001|ALPHA EXAMPLE CORP|8-K|{day}|edgar/data/9990001/0009999999-24-{day:%m%d}01.txt\n"
        )
    data = tmp_path / "data"
    monkeypatch.setenv("INSIDER_DATA_DIR", str(data))
    monkeypatch.setenv("EDGAR_USER_AGENT", TEST_USER_AGENT)
    monkeypatch.setenv("EDGAR_REQUESTS_PER_SECOND", "500")
    published = data / "published" / "warehouse.duckdb"
    with serve_in_background([tmp_path / "mirror"]) as mirror:
        monkeypatch.setenv("EDGAR_BASE_URL", mirror.base_url)
        assert cli.main(["f345", "--start", "2024q3", "--end", "2024q3"]) == 0
        assert "covers 2024-10-01 to " in capsys.readouterr().out  # said after the load
        # The schedule's tick of 2024-10-09 asks for every day since the quarter ended, not its usual three.
        when = datetime(2024, 10, 9, 6, 0, tzinfo=ZoneInfo("America/New_York"))
        storage = StorageResource(data_dir=str(data))
        with dg.build_schedule_context(scheduled_execution_time=when, resources={"storage": storage}) as context:
            [request] = defs.resolve_schedule_def("nightly_ingest").evaluate_tick(context).run_requests
        assert request.tags["dagster/asset_partition_range_start"] == "2024-10-01"
        assert request.tags["dagster/asset_partition_range_end"] == "2024-10-08"
        capsys.readouterr()
        assert cli.main(["ingest", "--end", "2024-10-08"]) == 0
    assert "ingesting 2024-10-01 to 2024-10-08: the days after 2024q3" in capsys.readouterr().out
    looked_at = read_table(data, "select index_date, status from index_days order by 1")
    assert [day for day, status in looked_at if status == "loaded"] == business_days
    # Every day since the quarter has been looked at: the next night continues from the first it has not.
    assert nightly_window_of(published, date(2024, 10, 20)).first == date(2024, 10, 9)
    usual = nightly_window_of(published, date(2024, 10, 10))
    assert (usual.first, usual.continues_after) == (date(2024, 10, 8), None)


def test_the_real_set_gives_the_same_status_and_positions_whatever_the_order_of_its_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """The real 2024q3 set loaded by `f345` twice, once with every file's lines reversed: the data sets carry a
    filing date, not an acceptance time, so many filings of one owner share an event time, and which one an
    amendment links to or supersedes must not depend on the order DuckDB happens to read them in."""
    if not SHARED_SET.is_dir():
        pytest.skip(SHARED_MISSING)
    import io
    import zipfile

    import duckdb

    from mirror.server import serve_in_background
    from orchestration import cli
    from tests.conftest import TEST_USER_AGENT
    from transforms.f345.files import DATA_SET_FOLDERS, zip_name

    tables = {}
    monkeypatch.setenv("EDGAR_USER_AGENT", TEST_USER_AGENT)
    for order in ("as filed", "reversed"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(SHARED_SET.glob("*.tsv")):
                header, *lines = path.read_bytes().splitlines(keepends=True)
                archive.writestr(path.name, b"".join([header, *(lines[::-1] if order == "reversed" else lines)]))
        mirror = tmp_path / order / "mirror"
        (mirror / DATA_SET_FOLDERS[0].strip("/")).mkdir(parents=True)
        (mirror / DATA_SET_FOLDERS[0].strip("/") / zip_name("2024q3")).write_bytes(buffer.getvalue())
        monkeypatch.setenv("INSIDER_DATA_DIR", str(tmp_path / order / "data"))
        with serve_in_background([mirror]) as served:
            monkeypatch.setenv("EDGAR_BASE_URL", served.base_url)
            assert cli.main(["f345", "--start", "2024q3", "--end", "2024q3"]) == 0
        connection = duckdb.connect(str(tmp_path / order / "data" / "warehouse.duckdb"), read_only=True)
        try:
            tables[order] = {
                name: connection.table(name).order("all").fetchall() for name in ("filing_status", "positions")
            }
        finally:
            connection.close()
    capsys.readouterr()
    linked = sum(1 for row in tables["as filed"]["filing_status"] if row[8] == "linked")
    assert linked > 0 and len(tables["as filed"]["positions"]) > 20_000  # the set has amendments and positions
    for name in ("filing_status", "positions"):
        assert tables["as filed"][name] == tables["reversed"][name], name


@pytest.mark.parametrize("folder", ["sample", "quoted", "shared"])
def test_values_given_by_footnote_are_the_empty_values_whose_fn_column_names_footnotes(folder: str):
    """As the XML path fills it: a `<value>` leaf with no value but a footnote. Expected from the files themselves
    (Python's csv module): every column X with an X_FN partner, X empty and X_FN not."""
    import csv

    from transforms.f345.reader import _LINE_COLUMNS, _WRAPPED_COLUMNS

    root = {"sample": SAMPLE, "quoted": PROJECT_ROOT / "fixtures" / "f345-2024q3-quoted", "shared": SHARED_SET}[folder]
    if not root.is_dir():
        pytest.skip(SHARED_MISSING)
    quarter = quarter_frames(tsv_files(root))
    found = 0
    for name, table in [
        ("DERIV_TRANS", "transactions"),
        ("DERIV_HOLDING", "holdings"),
        ("NONDERIV_HOLDING", "holdings"),
    ]:
        with (root / f"{name}.tsv").open(newline="", encoding="utf-8", errors="replace") as stream:
            header, *lines = list(csv.reader(stream, delimiter="\t", quotechar='"'))
        key = next(column for column in header if column.endswith("_SK"))
        kind = "derivative" if name.startswith("DERIV") else "non_derivative"
        valued = [c for c in header if f"{c}_FN" in header and _LINE_COLUMNS.get(c) in _WRAPPED_COLUMNS[table]]
        expected = {}
        for values in lines:
            row = dict(zip(header, values, strict=True))
            given = sorted(_LINE_COLUMNS[c] for c in valued if not row[c].strip() and row[f"{c}_FN"].strip())
            expected[(row["ACCESSION_NUMBER"], row[key])] = given
        frame = quarter.frames[table].filter(pl.col("table_kind") == kind)
        by_line = {}
        for accession, lines_of_filing in _by_accession(expected).items():
            read = frame.filter(pl.col("accession_number") == accession).sort("line_number")
            # a filing's lines are numbered in the order of their *_SK key
            for (sk, given), listed in zip(
                sorted(lines_of_filing, key=lambda item: int(item[0])), read["values_given_by_footnote"], strict=True
            ):
                by_line[(accession, sk)] = sorted(listed)
                found += bool(given)
        assert by_line == expected, name
    if folder != "sample":
        assert found > 0


def _by_accession(expected: dict[tuple[str, str], list[str]]) -> dict[str, list[tuple[str, list[str]]]]:
    grouped: dict[str, list[tuple[str, list[str]]]] = {}
    for (accession, sk), given in expected.items():
        grouped.setdefault(accession, []).append((sk, given))
    return grouped


def test_values_the_set_rounded_to_two_decimals_are_counted_as_rounded_not_as_disagreements():
    """The real 0001062993-24-014684 (Block, 2024q3) gives prices of four decimals (56.8591); the set, which rounds
    every number to two, would carry 56.86. Its transactions as the set would give them (each decimal rounded here
    with Python's Decimal, half up) are all rounded, none disagreeing; a value off by a cent is a disagreement."""
    from decimal import ROUND_HALF_UP, Decimal

    from transforms.f345.reconcile import reconcile

    accession = "0001062993-24-014684"
    filed = xml_frames()["transactions"].filter(pl.col("accession_number") == accession)
    decimals = [name for name, dtype in filed.schema.items() if isinstance(dtype, pl.Decimal)]

    def as_the_set_gives(frame: pl.DataFrame) -> pl.DataFrame:
        cents = Decimal("0.01")
        return frame.with_columns(
            pl.Series(
                name,
                [None if v is None else v.quantize(cents, rounding=ROUND_HALF_UP) for v in frame[name]],
                dtype=frame.schema[name],
            )
            for name in decimals
        )

    f345 = as_the_set_gives(filed)
    carried = {"transactions": decimals}
    kinds = {"transactions": ["non_derivative", "derivative"]}
    result = reconcile({"transactions": f345}, {"transactions": filed}, carried, kinds)
    price = result.filter(pl.col("column_name") == "transaction_price_per_share").row(0, named=True)
    assert (price["compared"], price["agreeing"], price["rounded_in_f345"]) == (2, 0, 2)
    assert price["example_accession_number"] is None  # nothing disagrees
    assert (result["agreeing"] + result["rounded_in_f345"] == result["compared"]).all()

    off = f345.with_columns(pl.col("transaction_price_per_share") + Decimal("0.01"))
    result = reconcile({"transactions": off}, {"transactions": filed}, carried, kinds)
    price = result.filter(pl.col("column_name") == "transaction_price_per_share").row(0, named=True)
    assert (price["agreeing"], price["rounded_in_f345"], price["example_accession_number"]) == (0, 0, accession)


def test_a_verification_download_cut_short_is_not_archived_and_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """The data sets' filings go through the nightly's fetch → archive → parse path: bytes that do not end like a
    whole submission are recorded (stage fetch) and never archived, where they were once kept and parsed forever."""
    import duckdb

    from mirror.server import serve_in_background
    from orchestration import cli
    from orchestration.resources import StorageResource

    mirror_with_real_filings(tmp_path, monkeypatch, IN_THE_QUARTER)
    cut = IN_THE_QUARTER[1]
    served = next((tmp_path / "mirror").rglob(f"{cut}.txt"))
    served.write_bytes(served.read_bytes()[: served.stat().st_size // 2])
    with serve_in_background([tmp_path / "mirror"]) as mirror:
        monkeypatch.setenv("EDGAR_BASE_URL", mirror.base_url)
        assert cli.main(["f345", "--start", "2024q3", "--end", "2024q3", "--verify", "4"]) == 0
    capsys.readouterr()
    archive = StorageResource(data_dir=str(tmp_path / "data")).raw_archive
    assert [archive.has(accession) for accession in IN_THE_QUARTER] == [True, False, True, True]
    connection = duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True)
    try:
        failed = connection.sql("select subject, stage, reason from ingest_failures").fetchall()
        source = connection.execute("select source from filing_sources where accession_number = ?", [cut]).fetchall()
    finally:
        connection.close()
    assert failed == [(cut, "fetch", "truncated_submission")]
    assert source == [("f345",)]  # the set's rows kept
