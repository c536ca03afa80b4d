"""EDGAR index files (daily and quarterly; `master`, `form` and `company` flavours) → index entries.

Index files are listings, not evidence: the warehouse takes issuer and owners from the filing itself.
An index names a filing once per filer (issuer and each owner), so entries are merged per accession.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from transforms.accession import Accession, InvalidAccessionError
from transforms.forms import LOADED_FORMS

# `edgar/data/<cik>/<accession>.txt`, with the trailing CIK, date and file name of form/company indexes.
_FIXED_WIDTH_TAIL = re.compile(r"\s(\d{1,10})\s+(\d{8}|\d{4}-\d{2}-\d{2})\s+(edgar/\S+)\s*$")
_FILE_ACCESSION = re.compile(r"(\d{10}-\d{2}-\d{6})\.txt$")


class IndexFormatError(ValueError):
    """An index file whose layout this parser does not recognise."""


@dataclass(frozen=True)
class IndexEntry:
    """One Form 3/4/5 (or amendment) named by an index, with every CIK the index listed it under."""

    accession_number: str
    form_type: str
    date_filed: date
    cik: int
    company_name: str
    file_name: str
    line_number: int
    filer_ciks: tuple[int, ...] = field(default=())


def _parse_date(text: str) -> date:
    digits = text.replace("-", "")
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


def _accession_of(file_name: str) -> str:
    match = _FILE_ACCESSION.search(file_name)
    if match is None:
        raise InvalidAccessionError(f"index file name carries no accession number: {file_name!r}")
    return str(Accession.parse(match.group(1)))


def _raw_rows(text: str) -> list[tuple[int, str, str, str, str, str]]:
    """(line, form type, company, cik, date, file) for every data line, whatever the flavour."""
    lines = text.splitlines()
    if any(line.startswith("CIK|Company Name|Form Type|Date Filed|Filename") for line in lines[:20]):
        return _master_rows(lines)
    header_at = next((i for i, line in enumerate(lines[:30]) if "Form Type" in line and "Company Name" in line), None)
    if header_at is None:
        raise IndexFormatError("no index header: expected a master (pipe) or form/company (fixed-width) index")
    header = lines[header_at]
    form_first = header.index("Form Type") < header.index("Company Name")
    second_column = header.index("Company Name") if form_first else header.index("Form Type")
    rows = []
    for number, line in enumerate(lines[header_at + 1 :], start=header_at + 2):
        tail = _FIXED_WIDTH_TAIL.search(line)
        if tail is None:
            continue
        head = line[: tail.start()]
        if form_first:
            form_type, company = _form_then_company(head, second_column)
        else:
            company, form_type = head[:second_column].strip(), head[second_column:].strip()
        rows.append((number, form_type, company, tail.group(1), tail.group(2), tail.group(3)))
    return rows


# A form type is words with single spaces between them ("SC 13G", "SCHEDULE 13G/A"); two spaces end it.
_FORM_THEN_COMPANY = re.compile(r"\s*(\S+(?: \S+)*)\s{2,}(\S.*?)\s*")


def _form_then_company(head: str, company_column: int) -> tuple[str, str]:
    """A form index line's form type and company. The header puts "Company Name" at column 12 while the rows'
    form column is 17 wide, so `SCHEDULE 13G/A` (14 characters) runs past the header's column: the form type ends
    where two spaces do, and the column is only the fallback for a form type followed by one."""
    match = _FORM_THEN_COMPANY.fullmatch(head)
    if match is not None:
        return match.group(1), match.group(2)
    return head[:company_column].strip(), head[company_column:].strip()


def _master_rows(lines: list[str]) -> list[tuple[int, str, str, str, str, str]]:
    rows = []
    for number, line in enumerate(lines, start=1):
        parts = line.split("|")
        if len(parts) != 5 or not parts[0].strip().isdigit():
            continue
        cik, company, form_type, filed, file_name = (part.strip() for part in parts)
        rows.append((number, form_type, company, cik, filed, file_name))
    return rows


@dataclass(frozen=True)
class RejectedLine:
    """An ownership-form line of an index that names no valid accession or date: kept out, reported."""

    line_number: int
    reason: str
    text: str


def parse_index(text: str, forms: frozenset[str] = LOADED_FORMS) -> list[IndexEntry]:
    """Entries of `text` whose form type is in `forms`, one per accession, in order of first appearance."""
    return parse_index_lines(text, forms)[0]


def parse_index_lines(text: str, forms: frozenset[str] = LOADED_FORMS) -> tuple[list[IndexEntry], list[RejectedLine]]:
    """Entries as `parse_index`, plus the lines of wanted forms that could not be read (the rest still loads)."""
    merged: dict[str, IndexEntry] = {}
    rejected: list[RejectedLine] = []
    for number, form_type, company, cik, filed, file_name in _raw_rows(text):
        if form_type not in forms:
            continue
        try:
            accession = _accession_of(file_name)
            filed_on = _parse_date(filed)
        except ValueError as error:
            rejected.append(RejectedLine(number, "invalid_index_line", str(error)))
            continue
        known = merged.get(accession)
        if known is None:
            merged[accession] = IndexEntry(
                accession_number=accession,
                form_type=form_type,
                date_filed=filed_on,
                cik=int(cik),
                company_name=company,
                file_name=file_name,
                line_number=number,
                filer_ciks=(int(cik),),
            )
        elif int(cik) not in known.filer_ciks:
            merged[accession] = IndexEntry(**{**known.__dict__, "filer_ciks": (*known.filer_ciks, int(cik))})
    return list(merged.values()), rejected
