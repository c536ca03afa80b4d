"""Raw submission bytes → one typed Polars frame per warehouse table, or a typed failure."""

import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import polars as pl

from transforms.accession import InvalidAccessionError, canonical_accession
from transforms.ownership_xml import (
    DOCUMENT,
    OWNER,
    ROW_SHAPES,
    SIGNATURE,
    OwnershipXmlError,
    column_layout,
    parse_ownership_xml,
)
from transforms.sgml import SubmissionFormatError, parse_submission, xml_bytes
from transforms.tables import FILING_TABLES, typed_columns, typed_frame

try:  # the compiled parser, built by setup.py where a C compiler is at hand (`make setup`)
    from transforms._batch_parser import BatchParser, Declined
except ImportError:
    BatchParser = Declined = None

COMPILED_PARSER_BUILT = BatchParser is not None


@dataclass(frozen=True)
class ParseFailure:
    """Why one submission could not become warehouse rows."""

    accession_number: str
    reason: str
    detail: str


@dataclass(frozen=True)
class NormalizedFiling:
    """The rows one submission contributes to each filing table."""

    accession_number: str
    rows: dict[str, list[dict[str, Any]]]


def normalize_submission(accession: str, raw: bytes) -> NormalizedFiling | ParseFailure:
    """Parse one submission; every problem becomes a ParseFailure with a reason code, never an exception."""
    try:
        return _normalize(canonical_accession(accession), raw)
    except InvalidAccessionError as error:
        return ParseFailure(accession, "invalid_accession", str(error))
    except (SubmissionFormatError, OwnershipXmlError) as error:
        return ParseFailure(accession, error.reason, error.detail)
    except ValueError as error:
        return ParseFailure(accession, "invalid_value", str(error))
    except RecursionError as error:  # pathologically deep nesting
        return ParseFailure(accession, "xml_too_deep", str(error))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector: parsing allocates millions of short-lived, acyclic dicts and lists, which
    reference counting frees anyway, and the collector's repeated walks over them cost a sixth of the parse, and
    more than half of building the batch's frames while those rows are alive."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def normalize_submissions(submissions: Iterable[tuple[str, bytes]]) -> list[NormalizedFiling | ParseFailure]:
    """`normalize_submission` over a batch, in order, with the cycle collector paused for the batch."""
    with collector_paused():
        return [normalize_submission(accession, raw) for accession, raw in submissions]


def _normalize(accession: str, raw: bytes) -> NormalizedFiling | ParseFailure:
    submission = parse_submission(raw)
    header = submission.header
    if header.accession_number != accession:
        return ParseFailure(accession, "accession_mismatch", f"the submission header names {header.accession_number}")
    document = submission.ownership_document()
    if document is None:
        return ParseFailure(
            accession,
            "no_ownership_xml",
            f"form {header.form_type} filed {header.filing_date} has no ownershipDocument "
            "(text filings predate EDGAR's XML ownership forms of mid-2003)",
        )
    record = parse_ownership_xml(xml_bytes(document))
    issuers = header.parties_in("issuer") or header.parties_in("subject_company")
    filing = {
        "accession_number": accession,
        "form_type": header.form_type,
        "filing_date": header.filing_date,
        "acceptance_datetime": header.acceptance_datetime,
        "header_period_of_report": header.period_of_report,
        "header_issuer_cik": issuers[0].cik if issuers else None,
        "header_reporting_owner_ciks": [
            cik for cik in (owner.cik for owner in header.parties_in("reporting_owner")) if cik is not None
        ],
        "primary_document": document.filename,
        **record.document,
        "owner_count": len(record.owners),
        "transaction_count": len(record.transactions),
        "holding_count": len(record.holdings),
        "footnote_count": len(record.footnotes),
        "unknown_element_count": len(record.unknown_elements),
        "raw_sha256": hashlib.sha256(raw).hexdigest(),
        "raw_bytes": len(raw),
    }
    keyed = {"accession_number": accession}
    for parsed_rows in (record.owners, record.transactions, record.holdings, record.footnotes, record.signatures):
        for row in parsed_rows:  # fresh dicts of this parse: keyed in place rather than copied
            row["accession_number"] = accession
    rows = {
        "filings": [filing],
        "filing_owners": record.owners,
        "transactions": record.transactions,
        "holdings": record.holdings,
        "footnotes": record.footnotes,
        "signatures": record.signatures,
        "filing_parties": [
            {**keyed, "party_position": position, **party.as_row()}
            for position, party in enumerate(header.parties, start=1)
        ],
        "unknown_elements": [
            {**keyed, "element_number": number, "path": item["path"], "xml": item["text"]}
            for number, item in enumerate(record.unknown_elements, start=1)
        ],
    }
    return NormalizedFiling(accession, rows)


def to_frames(filings: Iterable[NormalizedFiling]) -> dict[str, pl.DataFrame]:
    """Stack the rows of many filings into one typed frame per table (explicit schema, no inference)."""
    collected: dict[str, list[dict[str, Any]]] = {name: [] for name in FILING_TABLES}
    for filing in filings:
        for name, rows in filing.rows.items():
            collected[name].extend(rows)
    with collector_paused():
        return {name: typed_frame(rows, FILING_TABLES[name]) for name, rows in collected.items()}


# What building a typed frame raises for a value its column cannot hold (Arrow's errors subclass ValueError and
# TypeError).
_REFUSALS = (pl.exceptions.PolarsError, RuntimeError, OverflowError, TypeError, ValueError)


def to_frames_or_failures(
    filings: list[NormalizedFiling],
    build: Callable[[list[NormalizedFiling]], dict[str, pl.DataFrame]] = to_frames,
) -> tuple[dict[str, pl.DataFrame], list[ParseFailure]]:
    """`build` (a document kind's frames; Forms 3/4/5's by default), except that a filing whose values the typed
    schema refuses becomes a failure of its own.

    The whole batch is tried first; only when it is refused is each filing tried alone, so one bad filing
    never costs the batch.
    """
    try:
        return build(filings), []
    except _REFUSALS:
        pass
    accepted: list[NormalizedFiling] = []
    failures: list[ParseFailure] = []
    for filing in filings:
        try:
            build([filing])
        except _REFUSALS as error:
            failures.append(
                ParseFailure(filing.accession_number, "invalid_value", f"refused by the table schema: {error}")
            )
        else:
            accepted.append(filing)
    return build(accepted), failures


def batch_outcomes(
    parsed: list[NormalizedFiling | ParseFailure], refused: list[ParseFailure]
) -> list[str | ParseFailure]:
    """Per submission, in order, its accession as loaded or why not: its parse failure, or its refusal by the
    table schema (`to_frames_or_failures`)."""
    refusals = {refusal.accession_number: refusal for refusal in refused}
    return [
        one if isinstance(one, ParseFailure) else refusals.get(one.accession_number, one.accession_number)
        for one in parsed
    ]


# Where the compiled parser writes each value: every shape against its table's column order.
_LAYOUTS: dict[object, object] = {
    "document": column_layout(DOCUMENT, list(FILING_TABLES["filings"])),
    "owner": column_layout(OWNER, list(FILING_TABLES["filing_owners"])),
    "signature": column_layout(SIGNATURE, list(FILING_TABLES["signatures"])),
    **{
        key: (table, kind, column_layout(shape, list(FILING_TABLES[table])))
        for key, (table, kind, shape) in ROW_SHAPES.items()
    },
}
_WIDTHS = {table: len(schema) for table, schema in FILING_TABLES.items()}
# The compiled parser gives the items of a list-of-struct column as tuples (cheaper to make and to convert than
# dicts); a row of the Python parser is given the same shape before it joins the compiled parser's columns.
_STRUCT_LISTS = {
    table: [
        (position, [field.name for field in dtype.inner.fields])
        for position, dtype in enumerate(schema.values())
        if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)
    ]
    for table, schema in FILING_TABLES.items()
}


_DECIMALS = {
    table: [position for position, dtype in enumerate(schema.values()) if isinstance(dtype, pl.Decimal)]
    for table, schema in FILING_TABLES.items()
}


def _as_columns_row(table: str, row: dict[str, Any]) -> list[Any]:
    """A Python parser's row in the compiled parser's shape: values in schema order, struct items as tuples,
    decimals as plain text (`typed_columns(compact=True)`)."""
    values = [row.get(column) for column in FILING_TABLES[table]]
    for position, fields in _STRUCT_LISTS[table]:
        if values[position] is not None:
            values[position] = [tuple(item[field] for field in fields) for item in values[position]]
    for position in _DECIMALS[table]:
        if values[position] is not None:
            values[position] = format(values[position], "f")
    return values


def normalize_batch(
    submissions: list[tuple[str, bytes]], compiled: bool = COMPILED_PARSER_BUILT
) -> tuple[dict[str, pl.DataFrame], list[str | ParseFailure]]:
    """A batch of submissions → one typed frame per table, and per submission (in order) its accession number as
    loaded or its ParseFailure (a value the table schema refuses included).

    `compiled` uses the compiled parser (the default where it is built, about three times faster): it reads each
    submission straight into columns and hands any it does not take cleanly to the Python parser, so the frames
    and the failures are those of `normalize_submissions` + `to_frames_or_failures`.
    """
    with collector_paused():
        if compiled:
            done = _compiled_batch(submissions)
            if done is not None:
                return done
        parsed = normalize_submissions(submissions)
        frames, refused = to_frames_or_failures([one for one in parsed if isinstance(one, NormalizedFiling)])
    return frames, batch_outcomes(parsed, refused)


def _compiled_batch(
    submissions: list[tuple[str, bytes]],
) -> tuple[dict[str, pl.DataFrame], list[str | ParseFailure]] | None:
    """The batch through the compiled parser; None when the table schemas refuse a value (the Python path then
    finds which filing)."""
    parser = BatchParser(_LAYOUTS, _WIDTHS)
    outcomes: list[str | ParseFailure] = []
    position = 0
    while position < len(submissions):
        position = parser.add_until_declined(submissions, position, outcomes)
        if position == len(submissions):
            break
        accession, raw = submissions[position]
        outcome = normalize_submission(accession, raw)
        if isinstance(outcome, ParseFailure):
            outcomes.append(outcome)
        else:
            for table, rows in outcome.rows.items():
                parser.add_rows(table, [_as_columns_row(table, row) for row in rows])
            outcomes.append(outcome.accession_number)
        position += 1
    try:
        frames = {
            table: typed_columns(columns, FILING_TABLES[table], compact=True)
            for table, columns in parser.columns_by_table().items()
        }
    except _REFUSALS:
        return None
    return frames, outcomes
