"""The compiled parser (transforms/_batch_parser.pyx) gives exactly the frames and failures of the Python parser,
on real filings, generated ones, random documents, random headers and damaged submissions; and it is built
wherever a C compiler is at hand."""

import os
import shutil
import sysconfig
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from bench.generate import generate
from mirror.envelope import submission
from tests.conftest import FIXTURE_MIRROR, FIXTURE_SAMPLE
from tests.test_fuzz_parser import mutated
from transforms import normalize
from transforms.normalize import normalize_batch
from transforms.ownership_fields import KNOWN_PATHS

# In CI the compiled parser must be built, so that its differential tests below always run there.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
needs_build = pytest.mark.skipif(
    not normalize.COMPILED_PARSER_BUILT and not IN_CI, reason="the compiled parser is not built here"
)


def test_the_compiled_parser_is_built_in_ci_and_where_a_compiler_is():
    """CI, and any machine with a C compiler and Python's headers, must not silently fall back to the slower
    parser: the differential tests against the Python parser would then be skipped unseen."""
    if IN_CI:
        assert normalize.COMPILED_PARSER_BUILT, "CI must build transforms/_batch_parser.pyx (gcc, Python headers)"
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None or not headers.exists():
        pytest.skip("no C compiler or Python headers here: the pure-Python parser is the one in use")
    assert normalize.COMPILED_PARSER_BUILT, "transforms/_batch_parser.pyx was not built: run `make setup`"


def assert_same_either_way(submissions: list[tuple[str, bytes]]) -> int:
    """Both parsers give equal frames and outcomes; returns how many submissions the compiled one took itself."""
    compiled_frames, compiled_outcomes = normalize_batch(submissions, compiled=True)
    python_frames, python_outcomes = normalize_batch(submissions, compiled=False)
    assert compiled_outcomes == python_outcomes
    assert compiled_frames.keys() == python_frames.keys()
    for table, frame in compiled_frames.items():
        assert_frame_equal(frame, python_frames[table], check_exact=True)
    parser = normalize.BatchParser(normalize._LAYOUTS, normalize._WIDTHS)
    taken = 0
    for accession, raw in submissions:
        try:
            parser.add(accession, raw)
            taken += 1
        except normalize.Declined:
            pass
    return taken


def submissions_in(folder: Path) -> list[tuple[str, bytes]]:
    return [(path.stem, path.read_bytes()) for path in sorted(folder.glob("Archives/edgar/data/*/*")) if path.is_file()]


@needs_build
def test_real_and_generated_filings_read_the_same_either_way(tmp_path: Path):
    generate(tmp_path, 300, days=3)
    real = submissions_in(FIXTURE_SAMPLE) + submissions_in(FIXTURE_MIRROR)
    documents = sorted((FIXTURE_SAMPLE / "documents").glob("*.xml"))
    enveloped = [
        (f"0009999999-24-{number:06d}", submission(path.read_bytes(), accession=f"0009999999-24-{number:06d}"))
        for number, path in enumerate(documents, start=1)
    ]
    generated = submissions_in(tmp_path)
    assert assert_same_either_way(generated) == len(generated)  # the compiled parser read them all itself
    assert assert_same_either_way(real + enveloped) >= len(documents) + 3


# Random documents that follow the specification's element tree (so most leaves land in columns), with what
# lxml's API smooths over and a C walk must not miss: repeats, unknown elements, comments, processing
# instructions, CDATA, entities, attributes, namespaces, blank text.
CHILDREN: dict[tuple[str, ...], list[str]] = {}
for known in sorted(KNOWN_PATHS):
    CHILDREN.setdefault(known[:-1], []).append(known[-1])
TEXTS = st.sampled_from(
    [
        "",
        " ",
        "12",
        " 1,234.50 ",
        "0.1234567",
        "-0",
        "+.5",
        "9" * 33,
        "2024-02-30",
        "2024-01-05-05:00",
        "true",
        "TRUE",
        "0",
        "0001234567",
        "\u0661\u0662",
        "Caf\u00e9 &amp; <![CDATA[x<y]]> and more",
        "<!-- note -->7",
        "<?pi x?>8",
        "\u00a0\u200312\u00a0",
    ]
)
ATTRIBUTES = st.sampled_from(["", "", ' id="F1"', ' id=" F2 "', ' id="a&amp;b"', ' x="1"', ' id=""'])


@st.composite
def element(draw, path: tuple[str, ...]) -> str:
    known = CHILDREN.get(path, [])
    tag = (
        draw(st.sampled_from(known)) if known and draw(st.integers(0, 9)) else draw(st.sampled_from(["extra", "value"]))
    )
    inner = (*path, tag)
    children = "".join(draw(st.lists(element(inner), max_size=4))) if CHILDREN.get(inner) else ""
    return f"<{tag}{draw(ATTRIBUTES)}>{draw(TEXTS)}{children}</{tag}>"


@st.composite
def documents(draw) -> bytes:
    body = "".join(draw(st.lists(element(("ownershipDocument",)), min_size=1, max_size=10)))
    opening = draw(st.sampled_from(["<ownershipDocument>", "<ownershipDocument>", '<ownershipDocument xmlns="urn:x">']))
    return f'<?xml version="1.0" encoding="UTF-8"?>{opening}{body}</ownershipDocument>'.encode()


@needs_build
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(documents(), min_size=1, max_size=3))
def test_random_documents_read_the_same_either_way(xmls: list[bytes]):
    accessions = [f"0009999999-24-{number:06d}" for number in range(1, len(xmls) + 1)]
    assert_same_either_way(
        [(accession, submission(xml, accession=accession)) for accession, xml in zip(accessions, xmls, strict=True)]
    )


# Header lines of both dialects (`KEY: value` and `.nc` tags), with the spacing and characters they vary by.
HEADER_LINES = [
    "REPORTING-OWNER:",
    "ISSUER:",
    "FILED BY:",
    "\tOWNER DATA:",
    "\tCOMPANY DATA:",
    "\tFORMER NAME:",
    "FORMER COMPANY:",
    "\t\tCOMPANY CONFORMED NAME:\t\tX Corp ",
    "CENTRAL INDEX KEY:0001234",
    "CENTRAL INDEX KEY:\t0009999",
    "COMPANY CONFORMED NAME: Other Name",
    "BUSINESS PHONE: ",
    "DATE OF NAME CHANGE:\t20200102",
    "FORMER CONFORMED NAME: Old\u00a0Name",
    "STREET 1 :  1 Main St",
    "STATE\x85: NY\x85",
    "A B: C: D",
    "FILED AS OF DATE: 20240102",
    "CONFORMED SUBMISSION TYPE:\t4/A",
    "lower: case",
    "<REPORTING-OWNER>",
    "</REPORTING-OWNER>",
    "<OWNER-DATA>",
    "</OWNER-DATA>",
    "<COMPANY-DATA>",
    "</COMPANY-DATA>",
    "<FORMER-NAME>",
    "</FORMER-NAME>",
    "<CIK>0001 <CONFORMED-NAME>Y",
    "<ISSUER>",
    "</ISSUER>",
    "<DATE-CHANGED>20190101",
    "<STREET1> 2 Side St <X>",
    "<a>",
    "< B>",
]
CHARACTERS = ["A", "0", " ", ":", "\t", "<", ">", "/", "-", "\x85", "\xa0", "\x1c", "\u00e9", "&", "'", "("]
HEADER = st.lists(
    st.tuples(
        st.sampled_from(HEADER_LINES) | st.lists(st.sampled_from(CHARACTERS), max_size=8).map("".join),
        st.sampled_from(["\n", "\r\n", "\r"]),
    ),
    max_size=25,
).map(lambda lines: "".join(line + end for line, end in lines))
ACCESSION = "0009999999-24-000001"


@needs_build
@settings(max_examples=500, deadline=None)
@given(HEADER)
@example("<REPORTING-OWNER>\n<OWNER-DATA>\n</OWNER-DATA>\n<CIK>0001\n")  # a value after a closed section
@example("FILED AS OF DATE: 20240102\nCONFORMED SUBMISSION TYPE: 4/A\n")  # the filing's own values come first
@example("ISSUER:\nOWNER DATA:\nCENTRAL INDEX KEY: 1\nCOMPANY DATA:\nCENTRAL INDEX KEY: 2\n")  # OWNER DATA is preferred
def test_random_headers_read_the_same_either_way(header: str):
    raw = submission(b"<ownershipDocument><schemaVersion>X0508</schemaVersion></ownershipDocument>")
    closing = raw.index(b"</SEC-HEADER>")  # after the filing's own values, so the accession number stays its own
    raw = raw[:closing] + header.encode("latin-1", "replace") + b"\n" + raw[closing:]
    assert_same_either_way([(ACCESSION, raw)])


@needs_build
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutated(), min_size=1, max_size=3))
def test_damaged_submissions_fail_or_load_the_same_either_way(cases: list[tuple[str, bytes]]):
    assert_same_either_way(cases)
