"""A Schedule 13D/G submission → its warehouse rows: one `schedule13_filings` row, and one `schedule13_persons` row
per reporting person.

Since 2024-12-18 (voluntary from 2023-12-18) the schedules are XML (`SCHEDULE 13D`, `SCHEDULE 13G`, their `/A`):
every cover-page fact, from transforms/schedule13.py. Before, `SC 13D` and `SC 13G` were HTML or text: of those the
rows hold what the SGML header says (subject company, filer, group members, dates, form), no amounts, marked
`header_only`. Every row carries its accession; every person its position on the cover pages.
"""

from typing import Any

import polars as pl

from transforms.accession import InvalidAccessionError, canonical_accession
from transforms.forms import SCHEDULE13_FORMS, SCHEDULE13_TEXT_FORMS
from transforms.normalize import (
    NormalizedFiling,
    ParseFailure,
    batch_outcomes,
    collector_paused,
    to_frames_or_failures,
)
from transforms.schedule13 import Schedule13Document, Schedule13Error, parse_schedule13
from transforms.sgml import Submission, SubmissionFormatError, parse_submission, xml_bytes
from transforms.tables import DECIMAL, typed_frame

TEXTS = pl.List(pl.String)

# grain: one row per Schedule 13D/G filing (accession_number)
SCHEDULE13_FILINGS = pl.Schema(
    {
        "accession_number": pl.String(),
        "form_type": pl.String(),
        "schedule": pl.String(),  # 13D or 13G
        "is_amendment": pl.Boolean(),
        "header_only": pl.Boolean(),  # a filing from before the XML schedules: the SGML header's facts alone
        "filing_date": pl.Date(),
        "acceptance_datetime": pl.Datetime("us"),
        "subject_cik": pl.Int64(),
        "subject_name": pl.String(),
        "filer_cik": pl.Int64(),
        "filer_name": pl.String(),
        "group_members": TEXTS,
        "schema_version": pl.String(),
        "previous_accession_number": pl.String(),
        "amendment_number": pl.Int32(),
        "class_title": pl.String(),
        "event_date": pl.Date(),
        "issuer_cik": pl.Int64(),
        "issuer_name": pl.String(),
        "issuer_cusips": TEXTS,
        "rules": TEXTS,
        "purpose": pl.String(),
        "five_percent_or_less": pl.Boolean(),
        "person_count": pl.Int32(),
        "flags": TEXTS,
    }
)

# grain: one row per reporting person of a filing (accession_number, person_position)
SCHEDULE13_PERSONS = pl.Schema(
    {
        "accession_number": pl.String(),
        "person_position": pl.Int32(),
        "person_name": pl.String(),
        "person_cik": pl.Int64(),
        "no_cik": pl.Boolean(),
        "member_of_group": pl.String(),
        "citizenship": pl.String(),
        "sole_voting_power": DECIMAL,
        "shared_voting_power": DECIMAL,
        "sole_dispositive_power": DECIMAL,
        "shared_dispositive_power": DECIMAL,
        "aggregate_amount": DECIMAL,
        "excludes_certain_shares": pl.Boolean(),
        "percent_of_class": DECIMAL,
        "type_codes": TEXTS,
        "funds_sources": TEXTS,
        "comment": pl.String(),
    }
)

SCHEDULE13_TABLES = {"schedule13_filings": SCHEDULE13_FILINGS, "schedule13_persons": SCHEDULE13_PERSONS}


def schedule13_rows(accession: str, raw: bytes) -> NormalizedFiling | ParseFailure:
    """Parse one Schedule 13D/G submission; every problem becomes a ParseFailure with a reason code."""
    try:
        return _rows(canonical_accession(accession), raw)
    except InvalidAccessionError as error:
        return ParseFailure(accession, "invalid_accession", str(error))
    except (SubmissionFormatError, Schedule13Error) as error:
        return ParseFailure(accession, error.reason, error.detail)
    except RecursionError as error:
        return ParseFailure(accession, "xml_too_deep", str(error))


def _rows(accession: str, raw: bytes) -> NormalizedFiling | ParseFailure:
    submission = parse_submission(raw)
    header = submission.header
    if header.accession_number != accession:
        return ParseFailure(accession, "accession_mismatch", f"the submission header names {header.accession_number}")
    form = header.form_type or ""
    if form not in SCHEDULE13_FORMS:
        return ParseFailure(accession, "not_schedule13", f"form {form!r} is not a Schedule 13D or 13G")
    filing = _header_row(accession, submission)
    if form in SCHEDULE13_TEXT_FORMS:
        return NormalizedFiling(accession, {"schedule13_filings": [filing], "schedule13_persons": []})
    document = next((doc for doc in submission.documents if "<edgarSubmission" in doc.text), None)
    if document is None:
        return ParseFailure(accession, "no_schedule13_xml", f"form {form} filed {header.filing_date} has no XML")
    parsed = parse_schedule13(xml_bytes(document))
    filing.update(_document_row(parsed))
    persons = [
        {
            "accession_number": accession,
            "person_position": person.position,
            "person_name": person.name,
            "person_cik": int(person.cik) if person.cik else None,
            "no_cik": person.no_cik,
            "member_of_group": person.member_of_group,
            "citizenship": person.citizenship,
            "sole_voting_power": person.sole_voting_power,
            "shared_voting_power": person.shared_voting_power,
            "sole_dispositive_power": person.sole_dispositive_power,
            "shared_dispositive_power": person.shared_dispositive_power,
            "aggregate_amount": person.aggregate_amount,
            "excludes_certain_shares": person.excludes_certain_shares,
            "percent_of_class": person.percent_of_class,
            "type_codes": list(person.type_codes),
            "funds_sources": list(person.funds_sources),
            "comment": person.comment,
        }
        for person in parsed.persons
    ]
    return NormalizedFiling(accession, {"schedule13_filings": [filing], "schedule13_persons": persons})


def _header_row(accession: str, submission: Submission) -> dict[str, Any]:
    header = submission.header
    form = header.form_type or ""
    subjects = header.parties_in("subject_company")
    filers = header.parties_in("filed_by")
    return {
        "accession_number": accession,
        "form_type": form,
        "schedule": "13D" if "13D" in form else "13G",
        "is_amendment": form.endswith("/A"),
        "header_only": form in SCHEDULE13_TEXT_FORMS,
        "filing_date": header.filing_date,
        "acceptance_datetime": header.acceptance_datetime,
        "subject_cik": subjects[0].cik if subjects else None,
        "subject_name": subjects[0].name if subjects else None,
        "filer_cik": filers[0].cik if filers else None,
        "filer_name": filers[0].name if filers else None,
        "group_members": list(header.group_members),
        "person_count": 0,
        "flags": [],
    }


def _document_row(document: Schedule13Document) -> dict[str, Any]:
    return {
        "schema_version": document.schema_version,
        "previous_accession_number": document.previous_accession_number,
        "amendment_number": document.amendment_number,
        "class_title": document.class_title,
        "event_date": document.event_date,
        "issuer_cik": int(document.issuer_cik) if document.issuer_cik else None,
        "issuer_name": document.issuer_name,
        "issuer_cusips": list(document.issuer_cusips),
        "rules": list(document.rules),
        "purpose": document.purpose,
        "five_percent_or_less": document.five_percent_or_less,
        "person_count": len(document.persons),
        "flags": list(document.flags),
    }


def schedule13_frames(filings: list[NormalizedFiling]) -> dict[str, pl.DataFrame]:
    """The typed frame of each Schedule 13D/G table for a batch of parsed filings."""
    return {
        table: typed_frame([row for filing in filings for row in filing.rows.get(table, [])], schema)
        for table, schema in SCHEDULE13_TABLES.items()
    }


def schedule13_batch(
    submissions: list[tuple[str, bytes]],
) -> tuple[dict[str, pl.DataFrame], list[str | ParseFailure]]:
    """A batch of Schedule 13D/G submissions → one typed frame per table, and per submission (in order) its
    accession as loaded or its ParseFailure (a value the table schema refuses included, as for Forms 3/4/5)."""
    with collector_paused():
        parsed = [schedule13_rows(accession, raw) for accession, raw in submissions]
        filings = [one for one in parsed if isinstance(one, NormalizedFiling)]
        frames, refused = to_frames_or_failures(filings, schedule13_frames)
    return frames, batch_outcomes(parsed, refused)
