"""The document kinds the warehouse loads, registered once: each names its forms, its tables and how a batch of its
submissions becomes their typed frames. The nightly, the feed and the backfills fetch what any kind's forms list,
and a batch of archived submissions is parsed kind by kind (`normalize_kinds`), each submission by the form type
its SGML header states. Forms 3/4/5 are the first kind, Schedules 13D/13G the second."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import polars as pl

from transforms.forms import OWNERSHIP_FORMS, SCHEDULE13_FORMS
from transforms.normalize import ParseFailure, normalize_batch
from transforms.schedule13_rows import SCHEDULE13_TABLES, schedule13_batch
from transforms.tables import FILING_TABLES

# A batch of (accession, submission bytes) → its kind's frames, and per submission its accession or failure.
BatchParser = Callable[[list[tuple[str, bytes]]], tuple[dict[str, pl.DataFrame], list[str | ParseFailure]]]


@dataclass(frozen=True)
class DocumentKind:
    """A kind of document: its forms, its tables, how a batch of its submissions is parsed, and the SQL files (of
    sql/) that replace a batch's rows in its tables inside the load's transaction. The ownership kind's rows are
    written by the load's own path (sql/load/insert_filing_rows.sql and the model refresh it feeds), so it names
    none."""

    name: str
    forms: frozenset[str]
    tables: Mapping[str, pl.Schema]
    descriptions: Mapping[str, str]  # each table's, for the asset graph and the data dictionary
    parse_batch: BatchParser
    load_files: tuple[str, ...] = ()


OWNERSHIP = DocumentKind(
    "ownership",
    OWNERSHIP_FORMS,
    FILING_TABLES,
    {
        "filings": "One row per ingested Form 3/4/5 or amendment.",
        "filing_owners": "One row per reporting owner of a filing.",
        "transactions": "One row per Table I or Table II transaction line.",
        "holdings": "One row per Table I or Table II holding line.",
        "footnotes": "One row per footnote.",
        "signatures": "One row per owner signature.",
        "filing_parties": "One row per filer role in the SGML header, with addresses and former names.",
        "unknown_elements": "One row per ownershipDocument element the parser does not know, kept verbatim.",
    },
    normalize_batch,
)
SCHEDULE13 = DocumentKind(
    "schedule13",
    SCHEDULE13_FORMS,
    SCHEDULE13_TABLES,
    {
        "schedule13_filings": "One row per Schedule 13D or 13G (or amendment): header facts, and the cover page's.",
        "schedule13_persons": "One row per reporting person of a Schedule 13D or 13G filed in XML.",
    },
    schedule13_batch,
    ("load/replace_schedule13_rows.sql",),
)
KINDS = (OWNERSHIP, SCHEDULE13)
# Every kind's tables, by name, and what each holds.
KIND_TABLES: dict[str, pl.Schema] = {table: schema for kind in KINDS for table, schema in kind.tables.items()}
KIND_TABLE_DESCRIPTIONS: dict[str, str] = {
    table: description for kind in KINDS for table, description in kind.descriptions.items()
}
_BY_FORM = {form: kind for kind in KINDS for form in kind.forms}
# The header's form type, near the start of every submission (both header dialects).
_FORM_TYPE = re.compile(rb"CONFORMED SUBMISSION TYPE:[ \t]*([^\r\n]*)|<TYPE>([^\r\n<]*)")
_SNIFFED_BYTES = 4096


def kind_of(raw: bytes) -> DocumentKind:
    """The kind of a submission, by the form type its header states first; a form no kind lists (or no header)
    is the ownership kind's to refuse, as it always was."""
    match = _FORM_TYPE.search(raw, 0, _SNIFFED_BYTES)
    if match is None:
        return OWNERSHIP
    form = (match.group(1) or match.group(2) or b"").strip().decode("latin-1")
    return _BY_FORM.get(form, OWNERSHIP)


def normalize_kinds(
    submissions: list[tuple[str, bytes]],
) -> tuple[dict[str, pl.DataFrame], list[str | ParseFailure]]:
    """A batch of any kinds' submissions → one typed frame per table of every kind (empty where the batch has none
    of it), and per submission (in order) its accession as loaded or its ParseFailure."""
    by_kind: dict[str, list[int]] = {}
    for position, (_, raw) in enumerate(submissions):
        by_kind.setdefault(kind_of(raw).name, []).append(position)
    frames: dict[str, pl.DataFrame] = {}
    outcomes: list[str | ParseFailure | None] = [None] * len(submissions)
    for kind in KINDS:
        positions = by_kind.get(kind.name, [])
        if not positions and kind is not OWNERSHIP:
            frames.update({table: pl.DataFrame(schema=schema) for table, schema in kind.tables.items()})
            continue
        kind_frames, kind_outcomes = kind.parse_batch([submissions[position] for position in positions])
        frames.update(kind_frames)
        for position, outcome in zip(positions, kind_outcomes, strict=True):
            outcomes[position] = outcome
    return frames, [outcome for outcome in outcomes if outcome is not None]
