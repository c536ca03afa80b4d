"""A quarter of the Form 345 data sets that cannot be fetched, unpacked or read: refused with what is wrong,
recorded, set aside, the run's other quarters loaded, the run failed in one paragraph, and a rerun that can read
it loads it and resolves the failure."""

import io
import struct
import zipfile
from pathlib import Path

import pytest

from orchestration.cli import RUNS_POINTER
from tests.conftest import read_table
from tests.test_f345 import SAMPLE, sample_quarter_mirror
from tests.test_operator_errors import closed_port
from transforms.f345.files import DATA_SET_FOLDERS, F345ZipError, read_quarter_zip, zip_name


def damaged(zip_bytes: bytes, member: str) -> bytes:
    """`zip_bytes` with 16 bytes in the middle of `member`'s stored data zeroed."""
    info = zipfile.ZipFile(io.BytesIO(zip_bytes)).getinfo(member)
    name_length, extra_length = struct.unpack("<HH", zip_bytes[info.header_offset + 26 : info.header_offset + 30])
    middle = info.header_offset + 30 + name_length + extra_length + info.compress_size // 2
    assert info.compress_size > 40  # the zeroed bytes stay inside the member's data
    return zip_bytes[:middle] + bytes(16) + zip_bytes[middle + 16 :]


def sample_zip(compression: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for path in sorted(SAMPLE.iterdir()):
            archive.write(path, path.name)
    return buffer.getvalue()


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_a_damaged_member_is_refused_never_read_short(compression: int):
    whole = sample_zip(compression)
    assert read_quarter_zip(whole)["SUBMISSION"] == (SAMPLE / "SUBMISSION.tsv").read_bytes()
    with pytest.raises(F345ZipError, match=r"SUBMISSION\.tsv is damaged"):
        read_quarter_zip(damaged(whole, "SUBMISSION.tsv"))


@pytest.fixture
def f345_environment(cli_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The in-process CLI's environment for a quarter load, reading the loopback mirror unthrottled."""
    monkeypatch.setenv("EDGAR_REQUESTS_PER_SECOND", "500")
    return cli_data_dir


def run_f345(monkeypatch: pytest.MonkeyPatch, mirror_root: Path, *arguments: str) -> int:
    from mirror.server import serve_in_background
    from orchestration import cli

    with serve_in_background([mirror_root]) as mirror:
        monkeypatch.setenv("EDGAR_BASE_URL", mirror.base_url)
        return cli.main(["f345", *arguments])


def sample_filings() -> int:
    """The sample quarter's filings: SUBMISSION.tsv's lines less its header."""
    return len((SAMPLE / "SUBMISSION.tsv").read_text().splitlines()) - 1


def test_a_damaged_download_fails_the_run_in_one_paragraph_is_set_aside_and_a_rerun_loads_it(
    f345_environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    data = f345_environment
    root = tmp_path / "mirror"
    whole = sample_quarter_mirror(root)
    served = root / DATA_SET_FOLDERS[1].strip("/") / zip_name("2024q3")
    broken = damaged(whole, "SUBMISSION.tsv")
    served.write_bytes(broken)
    assert run_f345(monkeypatch, root, "--start", "2024q3", "--end", "2024q3") == 1
    printed = capsys.readouterr().err
    assert "Traceback" not in printed and "This is a bug" not in printed
    last = printed.strip().splitlines()[-1]
    assert last.startswith("insider-warehouse: failed: 1 quarter(s) of the Form 345 data sets could not be loaded")
    assert "2024q3 (damaged_zip: SUBMISSION.tsv is damaged" in last
    assert last.endswith("insider-warehouse f345 --start 2024q3 --end 2024q3. " + RUNS_POINTER)
    kept = data / "raw" / "f345" / zip_name("2024q3")
    assert not kept.exists() and kept.with_name(kept.name + ".damaged").read_bytes() == broken
    failures = "select subject, stage, reason, attempts, resolved_at is null from ingest_failures"
    assert read_table(data, failures) == [("f345/2024q3", "f345", "damaged_zip", 1, True)]

    served.write_bytes(whole)
    assert run_f345(monkeypatch, root, "--start", "2024q3", "--end", "2024q3") == 0
    assert kept.read_bytes() == whole
    assert read_table(data, failures) == [("f345/2024q3", "f345", "damaged_zip", 1, False)]
    sources = read_table(data, "select source, count(*) from filing_sources group by 1")
    assert sources == [("f345", sample_filings())]


def test_a_damaged_zip_in_the_raw_archive_is_set_aside_and_fetched_again(
    f345_environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    data = f345_environment
    whole = sample_quarter_mirror(tmp_path / "mirror")
    kept = data / "raw" / "f345" / zip_name("2024q3")
    kept.parent.mkdir(parents=True)
    broken = damaged(whole, "NONDERIV_HOLDING.tsv")
    kept.write_bytes(broken)
    assert run_f345(monkeypatch, tmp_path / "mirror", "--start", "2024q3", "--end", "2024q3") == 0
    assert kept.read_bytes() == whole and kept.with_name(kept.name + ".damaged").read_bytes() == broken
    assert read_table(data, "select count(*) from filing_sources where source = 'f345'") == [(sample_filings(),)]
    assert read_table(data, "select count(*) from ingest_failures") == [(0,)]


def test_an_unreachable_edgar_fails_the_run_and_records_every_quarter_without_an_attempt(
    f345_environment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    from orchestration import cli

    base_url = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("EDGAR_BASE_URL", base_url)
    assert cli.main(["f345", "--start", "2024q1", "--end", "2024q3"]) == 1
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("insider-warehouse: failed: 3 quarter(s) of the Form 345 data sets could not be loaded")
    assert "2024q1 (host_unreachable" in last and "EDGAR_BASE_URL" in last
    assert last.endswith("insider-warehouse f345 --start 2024q1 --end 2024q3. " + RUNS_POINTER)
    recorded = read_table(f345_environment, "select subject, reason, attempts from ingest_failures order by 1")
    assert recorded == [(f"f345/2024q{n}", "host_unreachable", 0) for n in (1, 2, 3)]


def test_a_whole_zip_whose_data_set_does_not_read_is_recorded_and_set_aside(
    f345_environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    data = f345_environment
    root = tmp_path / "mirror"
    whole = sample_quarter_mirror(root)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(whole)) as source, zipfile.ZipFile(buffer, "w") as target:
        for member in source.namelist():
            target.writestr(member, b"" if member == "SUBMISSION.tsv" else source.read(member))
    unreadable = buffer.getvalue()
    (root / DATA_SET_FOLDERS[1].strip("/") / zip_name("2024q3")).write_bytes(unreadable)
    assert run_f345(monkeypatch, root, "--start", "2024q3", "--end", "2024q3") == 1
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert "2024q3 (unreadable_data_set: SUBMISSION: the file is empty" in last
    kept = data / "raw" / "f345" / zip_name("2024q3")
    assert not kept.exists() and kept.with_name(kept.name + ".damaged").read_bytes() == unreadable
    assert read_table(data, "select reason from ingest_failures where resolved_at is null") == [
        ("unreadable_data_set",)
    ]
    assert read_table(data, "select count(*) from filing_sources") == [(0,)]


def test_lines_whose_fields_are_not_the_headers_are_returned_not_read():
    from transforms.f345.reader import MalformedLine, read_tsv

    first, second, third, fourth, fifth = (f"0000000001-24-00000{n}" for n in range(1, 6))
    lines = [
        "ACCESSION_NUMBER\tNAME\tVALUE",
        f"{first}\tA\t1",
        f"{second}\tB\twith\ttab",  # 3: a tab inside a field
        f"{third}\tC",  # 4: cut short
        f"{fourth}\tD first half",  # 5 and 6: a line break inside a field
        "second half\t5",
        f"{fifth}\tE\t7",
    ]
    frame, malformed = read_tsv("T", "\n".join(lines).encode() + b"\n")
    assert frame.rows() == [(first, "A", "1"), (fifth, "E", "7")]
    assert malformed == [
        MalformedLine("T", 3, second, 4, 3),
        MalformedLine("T", 4, third, 2, 3),
        MalformedLine("T", 5, fourth, 2, 3),
        MalformedLine("T", 6, fourth, 2, 3),
    ]
    whole, none = read_tsv("T", "\n".join(lines[:2] + lines[-1:]).encode())
    assert whole.rows() == frame.rows() and none == []


def with_a_tab_in_a_line_of(files: dict[str, bytes], name: str, accession: str) -> tuple[dict[str, bytes], int]:
    """`files` with a tab put into the first line of `accession` in `name` (a field that held one), and its line."""
    lines = files[name].split(b"\n")
    number = next(n for n, line in enumerate(lines) if line.startswith(accession.encode()))
    lines[number] = lines[number].replace(b"\t", b"\tspilt\t", 1)
    return {**files, name: b"\n".join(lines)}, number + 1


@pytest.mark.parametrize("source", ["fixtures", "shared"])
def test_a_filing_with_a_malformed_line_is_left_out_whole_and_the_rest_loads_as_before(source: str):
    """On the sample (and the real shared 2024q3 set): one filing's line gets a stray tab; the quarter's frames are
    the clean quarter's less every row of that filing, and the filing is named with its issuer, to fetch instead."""
    from tests.conftest import SHARED_MISSING
    from tests.test_f345 import SHARED_SET, tsv_files
    from transforms.f345.reader import quarter_frames

    if source == "shared" and not SHARED_SET.is_dir():
        pytest.skip(SHARED_MISSING)
    files = tsv_files(SAMPLE if source == "fixtures" else SHARED_SET)
    clean = quarter_frames(files)
    assert clean.malformed_lines == [] and clean.left_out.is_empty()  # every real line has its header's fields
    holders = clean.frames["holdings"]["accession_number"]
    accession = holders[holders.len() // 2]
    damaged_files, line = with_a_tab_in_a_line_of(files, "NONDERIV_HOLDING", accession)
    damaged_quarter = quarter_frames(damaged_files)
    for table, frame in clean.frames.items():
        expected = frame.filter(frame["accession_number"] != accession) if frame.height else frame
        assert damaged_quarter.frames[table].sort(frame.columns).equals(expected.sort(frame.columns)), table
    [issuer] = clean.frames["filings"].filter(clean.frames["filings"]["accession_number"] == accession)["issuer_cik"]
    expected_fields = files["NONDERIV_HOLDING"].split(b"\n")[0].count(b"\t") + 1
    assert damaged_quarter.left_out.rows() == [
        (
            accession,
            issuer,
            f"NONDERIV_HOLDING.tsv line {line} has {expected_fields + 1} fields, its header {expected_fields}",
        )
    ]


def test_a_filing_left_out_of_its_quarter_is_fetched_from_edgar_instead(
    f345_environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The quarter loads without the filing of a malformed line; the filing is recorded (stage f345) and loaded
    from its own submission, which resolves it. Not served, it stays recorded, and the run still succeeds."""
    from tests.real_corpus import real_submissions
    from tests.test_f345 import IN_THE_QUARTER, tsv_files
    from transforms.accession import Accession
    from transforms.edgar_urls import submission_path
    from transforms.f345.reader import quarter_frames

    data = f345_environment
    root = tmp_path / "mirror"
    sample_quarter_mirror(root)
    accession = IN_THE_QUARTER[0]
    files, _ = with_a_tab_in_a_line_of(tsv_files(SAMPLE), "NONDERIV_HOLDING", accession)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(f"{name}.tsv", content)
    (root / DATA_SET_FOLDERS[1].strip("/") / zip_name("2024q3")).write_bytes(buffer.getvalue())
    assert run_f345(monkeypatch, root, "--start", "2024q3", "--end", "2024q3") == 0
    failures = "select subject, stage, reason, resolved_at is null from ingest_failures order by 2"
    assert read_table(data, failures) == [
        (accession, "f345", "malformed_line", True),
        (accession, "fetch", "http_404", True),
    ]
    sources = dict(read_table(data, "select accession_number, source from filing_sources"))
    assert sources == {other: "f345" for other in IN_THE_QUARTER[1:]}

    issuer = dict(quarter_frames(tsv_files(SAMPLE)).frames["filings"].select("accession_number", "issuer_cik").rows())
    target = root / submission_path(Accession.parse(accession), issuer[accession])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(dict(real_submissions(Path(__file__).parent.parent / "fixtures" / "edgar-real"))[accession])
    assert run_f345(monkeypatch, root, "--start", "2024q3", "--end", "2024q3") == 0
    assert read_table(data, failures) == [
        (accession, "f345", "malformed_line", False),
        (accession, "fetch", "http_404", False),
    ]
    sources = dict(read_table(data, "select accession_number, source from filing_sources"))
    assert sources == {accession: "filing"} | {other: "f345" for other in IN_THE_QUARTER[1:]}


def test_a_quarter_missing_past_its_publication_deadline_fails_the_run_and_one_not_published_yet_is_said(
    f345_environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    from orchestration.run_window import new_york_today
    from transforms.f345.files import publication_deadline
    from transforms.quarters import quarter_label

    data = f345_environment
    root = tmp_path / "mirror"
    sample_quarter_mirror(root)  # 2024q3 only: 2024q2 answers 404, years past its deadline
    assert run_f345(monkeypatch, root, "--start", "2024q2", "--end", "2024q3") == 1
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("insider-warehouse: failed: 1 quarter(s) of the Form 345 data sets could not be loaded")
    assert "2024q2 (missing_data_set: both known paths answer 404" in last and "by 2024-07-31" in last
    assert last.endswith("insider-warehouse f345 --start 2024q2 --end 2024q2. " + RUNS_POINTER)
    failures = "select subject, reason, resolved_at is null from ingest_failures"
    assert read_table(data, failures) == [("f345/2024q2", "missing_data_set", True)]
    assert read_table(data, "select count(*) from filing_sources") == [(sample_filings(),)]  # 2024q3 loaded

    current = quarter_label(new_york_today())  # before its deadline whatever today is
    assert run_f345(monkeypatch, root, "--start", current, "--end", current) == 0
    said = capsys.readouterr().err
    assert f"{current}: not published yet (HTTP 404" in said and f"by {publication_deadline(current)}" in said
    assert read_table(data, failures) == [("f345/2024q2", "missing_data_set", True)]  # nothing recorded for it


def test_a_rerun_of_a_quarter_leaves_every_table_as_it_was(
    f345_environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from tests.conftest import every_table

    data = f345_environment
    sample_quarter_mirror(tmp_path / "mirror")
    assert run_f345(monkeypatch, tmp_path / "mirror", "--start", "2024q3", "--end", "2024q3") == 0
    first = every_table(data)
    assert run_f345(monkeypatch, tmp_path / "mirror", "--start", "2024q3", "--end", "2024q3") == 0
    assert every_table(data) == first
    assert read_table(data, "select count(*), count(distinct accession_number) from load_scope") == [
        (sample_filings(), sample_filings())
    ]
