"""Mutated real filings: whatever the bytes, the parser ends in rows or a reasoned failure, never an exception."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.conftest import FIXTURE_MIRROR, FIXTURE_SAMPLE
from transforms.normalize import NormalizedFiling, ParseFailure, normalize_submission, to_frames
from transforms.ownership_fields import KNOWN_PATHS
from transforms.ownership_xml import OwnershipXmlError, parse_ownership_xml, parse_tree
from transforms.sgml import SubmissionFormatError, parse_submission, xml_bytes

SOURCES = sorted((FIXTURE_SAMPLE / "Archives/edgar/data").glob("*/*.txt")) + sorted(
    (FIXTURE_MIRROR / "Archives/edgar/data").glob("*/*.txt")
)
ORIGINALS = [(path.stem, path.read_bytes()) for path in SOURCES]
TOKENS = [
    b"<",
    b">",
    b"</value>",
    b"<value>",
    b"&",
    b"&amp;",
    b"]]>",
    b"\x00",
    b"\xff",
    b"-",
    b".",
    b"9" * 40,
    b'<footnoteId id="F9"/>',
    b"</XML>",
    b"<XML>",
    b"</SEC-DOCUMENT>",
    b"\r",
    b"true",
    b"1e9",
    b"NaN",
]


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    accession, raw = draw(st.sampled_from(ORIGINALS))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["truncate", "delete", "insert", "duplicate", "replace_value"]))
        if action == "truncate":
            raw = raw[:position]
        elif action == "delete":
            raw = raw[:position] + raw[position + draw(st.integers(1, 200)) :]
        elif action == "insert":
            raw = raw[:position] + draw(st.sampled_from(TOKENS) | st.binary(max_size=20)) + raw[position:]
        elif action == "duplicate":
            raw = raw[:position] + raw[position : position + draw(st.integers(1, 400))] + raw[position:]
        else:
            start = raw.find(b"<value>", position)
            if start >= 0:
                end = raw.find(b"</value>", start)
                numbers = st.from_regex(rb"-?[0-9,]{0,45}(\.[0-9]{0,10})?", fullmatch=True)
                value = draw(st.sampled_from(TOKENS[10:]) | st.text(max_size=12).map(str.encode) | numbers)
                raw = raw[: start + 7] + value + raw[end if end >= 0 else start + 7 :]
    return accession, raw


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_every_mutated_filing_ends_loaded_or_recorded(case: tuple[str, bytes]):
    accession, raw = case
    outcome = normalize_submission(accession, raw)
    assert isinstance(outcome, NormalizedFiling | ParseFailure)
    if isinstance(outcome, ParseFailure):
        assert outcome.reason and outcome.reason.islower()
        return
    frames = to_frames([outcome])  # the typed frames accept every value the parser let through
    assert frames["filings"].height == 1


def test_the_sources_include_the_real_sample():
    assert sum(1 for path in SOURCES if FIXTURE_SAMPLE in path.parents) >= 4


NUMBERS = st.one_of(
    st.tuples(st.integers(1, 45), st.integers(0, 10)).map(lambda size: "9" * size[0] + "." + "5" * size[1]),
    st.integers(min_value=-(10**45), max_value=10**45).map(str),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.from_regex(r"-?[0-9,]{1,45}(\.[0-9]{0,12})?", fullmatch=True),
)


@settings(max_examples=300, deadline=None)
@given(source=st.sampled_from(ORIGINALS), which=st.integers(min_value=0, max_value=60), number=NUMBERS)
def test_any_number_in_any_value_ends_loaded_or_recorded(source: tuple[str, bytes], which: int, number: str):
    accession, raw = source
    starts = [index for index in range(len(raw)) if raw.startswith(b"<value>", index)]
    if not starts:
        return
    start = starts[which % len(starts)] + len(b"<value>")
    end = raw.find(b"</value>", start)
    if end < 0:  # the damaged fixture: its last <value> is never closed
        return
    outcome = normalize_submission(accession, raw[:start] + number.encode() + raw[end:])
    if isinstance(outcome, NormalizedFiling):
        assert to_frames([outcome])["filings"].height == 1


def unknown_paths_by_the_map(xml: bytes) -> list[str]:
    """Elements outside the specification, found the slow, obvious way: every path checked against the map."""
    found = []
    for element in parse_tree(xml).iter(etree.Element):
        path = (*(ancestor.tag for ancestor in reversed(list(element.iterancestors()))), element.tag)
        if path not in KNOWN_PATHS and path[:-1] in KNOWN_PATHS:  # outermost unknown only: its text keeps the rest
            found.append("/".join(path))
    return found


@st.composite
def with_extra_elements(draw) -> tuple[str, bytes]:
    """A real filing with new or repeated elements inserted right after opening tags: still well-formed XML."""
    accession, raw = draw(
        st.sampled_from([original for original in ORIGINALS if b"</ownershipDocument>" in original[1]])
    )
    start, end = raw.find(b"<ownershipDocument"), raw.find(b"</ownershipDocument>")
    openings = [at + 1 for at in range(start, end) if raw[at : at + 1] == b">" and raw[at - 1 : at] not in (b"/", b"?")]
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.sampled_from(openings))
        tag = draw(st.sampled_from([b"extraElement", b"value", b"footnoteId", b"transactionCode", b"rptOwnerCity"]))
        raw = raw[:at] + b"<" + tag + b">x</" + tag + b">" + raw[at:]
        openings = [position if position <= at else position + 2 * len(tag) + 6 for position in openings]
    return accession, raw


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated(), with_extra_elements()))
def test_every_element_outside_the_map_is_kept_and_only_repeats_besides(case: tuple[str, bytes]):
    _, raw = case
    try:
        document = parse_submission(raw).ownership_document()
        xml = xml_bytes(document) if document is not None else None
        record = parse_ownership_xml(xml) if xml is not None else None
    except (SubmissionFormatError, OwnershipXmlError, ValueError):
        return
    if record is None:
        return
    kept = {item["path"] for item in record.unknown_elements}
    repeats = {path for path in kept if tuple(path.split("/")) in KNOWN_PATHS}  # kept whole, children included
    for path in unknown_paths_by_the_map(xml):
        assert path in kept or any(path.startswith(f"{repeat}/") for repeat in repeats), path
    assert kept - repeats <= set(unknown_paths_by_the_map(xml))
