"""The compiled parser parts (transforms/*.pyx) give exactly what their pure-Python twins give, on real filings,
generated ones and random documents; and they are built wherever a C compiler is at hand."""

import shutil
import sysconfig
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import generate
from tests.conftest import FIXTURE_MIRROR, SHARED_SAMPLE
from transforms import ownership_xml, sgml
from transforms.ownership_fields import KNOWN_PATHS
from transforms.ownership_xml import OwnershipXmlError, parse_ownership_xml
from transforms.sgml import SubmissionFormatError, parse_header, parse_submission, xml_bytes

BUILT = ownership_xml.COMPILED_WALK_BUILT and sgml.COMPILED_HEADER_BUILT
needs_build = pytest.mark.skipif(not BUILT, reason="the compiled parser is not built on this machine")


def test_the_compiled_parser_is_built_where_a_compiler_is():
    """A machine with a C compiler and Python's headers must not silently fall back to the slower parser."""
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if shutil.which(sysconfig.get_config_var("CC").split()[0]) is None or not headers.exists():
        pytest.skip("no C compiler or Python headers here: the pure-Python parser is the one in use")
    assert ownership_xml.COMPILED_WALK_BUILT, "transforms/_ownership_walk.pyx did not build: run `make setup`"
    assert sgml.COMPILED_HEADER_BUILT, "transforms/_sgml_header.pyx did not build: run `make setup`"


def both_ways(xml: bytes) -> tuple[object, object]:
    """The record (or the failure's reason and detail) from the compiled walk and from the Python walk."""

    def parse(compiled: bool) -> object:
        try:
            return parse_ownership_xml(xml, compiled=compiled)
        except OwnershipXmlError as error:
            return (error.reason, error.detail)

    return parse(True), parse(False)


def submissions_in(folder: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted(folder.glob("Archives/edgar/data/*/*")) if path.is_file()]


@needs_build
def test_real_and_generated_filings_read_the_same_either_way(tmp_path: Path):
    generate(tmp_path, 300, days=3)
    raws = submissions_in(SHARED_SAMPLE) + submissions_in(FIXTURE_MIRROR) + submissions_in(tmp_path)
    documents = [path.read_bytes() for path in sorted((SHARED_SAMPLE / "documents").glob("*.xml"))]
    compared = 0
    for raw in raws:
        text = raw.decode("latin-1")
        assert parse_header(text, compiled=True) == parse_header(text, compiled=False)
        try:
            document = parse_submission(raw).ownership_document()
            xml = xml_bytes(document) if document is not None else None
        except SubmissionFormatError:
            continue
        if xml is not None:
            documents.append(xml)
    for xml in documents:
        compiled, python = both_ways(xml)
        assert compiled == python
        compared += not isinstance(compiled, tuple)
    assert compared >= 300 + 6  # every generated filing and every bare sample document was read, not refused


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
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_random_documents_read_the_same_either_way(xml: bytes):
    compiled, python = both_ways(xml)
    assert compiled == python


CHARACTERS = [
    "A",
    "Z",
    "0",
    " ",
    ":",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "<",
    ">",
    "/",
    "-",
    "\x85",
    "\xa0",
    "\x1c",
    "\u00e9",
    "&",
]
HEADER_PIECES = st.sampled_from(
    [
        *CHARACTERS,
        "ISSUER:",
        "<ISSUER>",
        "</ISSUER>",
        "COMPANY DATA:",
        "CENTRAL INDEX KEY: 12",
        "<CIK>12",
        "'",
        "(",
        ",",
    ]
)


@needs_build
@settings(max_examples=2000, deadline=None)
@given(st.lists(HEADER_PIECES, max_size=40).map("".join))
def test_random_headers_read_the_same_either_way(header: str):
    assert parse_header(header, compiled=True) == parse_header(header, compiled=False)
