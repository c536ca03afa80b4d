"""EDGAR submissions (`.txt` full submissions and `.nc` dissemination files) → header and documents.

Two header dialects exist: `KEY:<tab>value` lines indented by section (`.txt`, `.hdr.sgml`) and
`<TAG>value` tags with closing tags for containers (`.nc`, sometimes all on one line or with CR line ends).
Both are read into one shape, keyed by the `.txt` dialect's names.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from transforms.reasons import ReasonedError

ROLE_NAMES = {
    "REPORTING-OWNER": "reporting_owner",
    "REPORTING OWNER": "reporting_owner",
    "ISSUER": "issuer",
    "SUBJECT-COMPANY": "subject_company",
    "SUBJECT COMPANY": "subject_company",
    "FILED-BY": "filed_by",
    "FILED BY": "filed_by",
    "FILER": "filer",
}
SECTION_NAMES = {
    "OWNER-DATA": "OWNER DATA",
    "COMPANY-DATA": "COMPANY DATA",
    "FILING-VALUES": "FILING VALUES",
    "BUSINESS-ADDRESS": "BUSINESS ADDRESS",
    "MAIL-ADDRESS": "MAIL ADDRESS",
    "FORMER-COMPANY": "FORMER COMPANY",
    "FORMER-NAME": "FORMER NAME",
}
FORMER_SECTIONS = frozenset({"FORMER COMPANY", "FORMER NAME"})
# Header fields of a filer role → warehouse columns: (column, section names to look in, key). Everything else the
# header says is kept verbatim in `header_values`.
HEADER_PARTY_FIELDS: dict[str, tuple[tuple[str, ...], str]] = {
    "organization_name": (("OWNER DATA", "COMPANY DATA"), "ORGANIZATION NAME"),
    "standard_industrial_classification": (("COMPANY DATA",), "STANDARD INDUSTRIAL CLASSIFICATION"),
    "irs_number": (("COMPANY DATA",), "IRS NUMBER"),
    "state_of_incorporation": (("COMPANY DATA",), "STATE OF INCORPORATION"),
    "fiscal_year_end": (("COMPANY DATA",), "FISCAL YEAR END"),
    "filing_form_type": (("FILING VALUES",), "FORM TYPE"),
    "sec_act": (("FILING VALUES",), "SEC ACT"),
    "sec_file_number": (("FILING VALUES",), "SEC FILE NUMBER"),
    "film_number": (("FILING VALUES",), "FILM NUMBER"),
    "business_street1": (("BUSINESS ADDRESS",), "STREET 1"),
    "business_street2": (("BUSINESS ADDRESS",), "STREET 2"),
    "business_city": (("BUSINESS ADDRESS",), "CITY"),
    "business_state": (("BUSINESS ADDRESS",), "STATE"),
    "business_zip": (("BUSINESS ADDRESS",), "ZIP"),
    "business_phone": (("BUSINESS ADDRESS",), "BUSINESS PHONE"),
    "mail_street1": (("MAIL ADDRESS",), "STREET 1"),
    "mail_street2": (("MAIL ADDRESS",), "STREET 2"),
    "mail_city": (("MAIL ADDRESS",), "CITY"),
    "mail_state": (("MAIL ADDRESS",), "STATE"),
    "mail_zip": (("MAIL ADDRESS",), "ZIP"),
}
_KNOWN_SECTIONS = frozenset(SECTION_NAMES.values())
# Where a party's CIK and conformed name are, in order of preference.
IDENTITY_SECTIONS = ("OWNER DATA", "COMPANY DATA")
CIK_KEY = "CENTRAL INDEX KEY"
NAME_KEY = "COMPANY CONFORMED NAME"
# `.nc` tag → `.txt` key, so both dialects land under one name.
# The header line a Schedule 13D/G repeats for each member of the filing group.
GROUP_MEMBERS_KEY = "GROUP MEMBERS"
KEY_ALIASES = {
    "ACCESSION-NUMBER": "ACCESSION NUMBER",
    "TYPE": "CONFORMED SUBMISSION TYPE",
    "PUBLIC-DOCUMENT-COUNT": "PUBLIC DOCUMENT COUNT",
    "PERIOD": "CONFORMED PERIOD OF REPORT",
    "FILING-DATE": "FILED AS OF DATE",
    "DATE-OF-FILING-DATE-CHANGE": "DATE AS OF CHANGE",
    "CONFORMED-NAME": "COMPANY CONFORMED NAME",
    "CIK": "CENTRAL INDEX KEY",
    "ASSIGNED-SIC": "STANDARD INDUSTRIAL CLASSIFICATION",
    "IRS-NUMBER": "IRS NUMBER",
    "STATE-OF-INCORPORATION": "STATE OF INCORPORATION",
    "FISCAL-YEAR-END": "FISCAL YEAR END",
    "ORGANIZATION-NAME": "ORGANIZATION NAME",
    "STREET1": "STREET 1",
    "STREET2": "STREET 2",
    "PHONE": "BUSINESS PHONE",
    "FORM-TYPE": "FORM TYPE",
    "ACT": "SEC ACT",
    "FILE-NUMBER": "SEC FILE NUMBER",
    "FILM-NUMBER": "FILM NUMBER",
    "FORMER-CONFORMED-NAME": "FORMER CONFORMED NAME",
    "DATE-CHANGED": "DATE OF NAME CHANGE",
}
_IGNORED_TAGS = frozenset({"SUBMISSION", "SEC-HEADER", "SEC-DOCUMENT", "IMS-HEADER"})
_TAG = re.compile(r"<(/?)([A-Z][A-Z0-9-]*)>([^<]*)")
_KEY_VALUE = re.compile(r"^([A-Z][A-Z0-9 &/().,'-]*?):\s*(.*)$")
_DOCUMENT_META = re.compile(r"<(TYPE|SEQUENCE|FILENAME|DESCRIPTION)>([^<\r\n]*)")
_CLOSINGS = ("</SEC-DOCUMENT>", "</SUBMISSION>")


class SubmissionFormatError(ReasonedError):
    """The bytes are not a complete EDGAR submission; `reason` is a stable code for ingest_failures."""


@dataclass
class HeaderParty:
    """One filer role of the header (reporting owner, issuer, …) with its sections of key/value pairs."""

    role: str
    sections: dict[str, dict[str, str]] = field(default_factory=dict)
    former_names: list[dict[str, str]] = field(default_factory=list)

    def value(self, key: str, *sections: str) -> str | None:
        """The first non-empty `key` in the given sections (all sections when none given)."""
        for name in sections or tuple(self.sections):
            found = self.sections.get(name, _NO_PAIRS).get(key)
            if found:
                return found
        return None

    @property
    def cik(self) -> int | None:
        return _cik(self.value(CIK_KEY, *IDENTITY_SECTIONS))

    @property
    def name(self) -> str | None:
        return self.value(NAME_KEY, *IDENTITY_SECTIONS)

    def as_row(self) -> dict[str, object]:
        """The party as a `filing_parties` row (without accession and position)."""
        sections = self.sections
        row: dict[str, object] = {"role": self.role}
        for column, names, key in _PARTY_LOOKUPS:  # `value`, inlined: this runs for every party of every filing
            found = None
            for name in names:
                found = sections.get(name, _NO_PAIRS).get(key)
                if found:
                    break
            row[column] = found or None
        row["cik"] = _cik(row["cik"])
        row["former_names"] = [
            {
                "former_name": former.get("FORMER CONFORMED NAME"),
                "date_of_change": _yyyymmdd(former.get("DATE OF NAME CHANGE")),
            }
            for former in self.former_names
        ]
        row["header_values"] = [
            {"section": section, "key": key, "value": value}
            for section, pairs in sections.items()
            for key, value in pairs.items()
        ]
        return row


def _cik(text: object) -> int | None:
    """The header's CIK, or None where it states none that could be one: EDGAR's keys are 1 to 10 ASCII digits,
    and a longer number would not fit the warehouse's BIGINT (`'²'.isdigit()` is true, so ASCII is checked)."""
    if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 10:
        return int(text)
    return None


_NO_PAIRS: dict[str, str] = {}
# The party's identity, then HEADER_PARTY_FIELDS: (column, sections in order of preference, key).
_PARTY_LOOKUPS = (
    ("cik", IDENTITY_SECTIONS, CIK_KEY),
    ("name", IDENTITY_SECTIONS, NAME_KEY),
    *((column, names, key) for column, (names, key) in HEADER_PARTY_FIELDS.items()),
)


@dataclass
class SubmissionHeader:
    """The SGML header: identity, dates and every filer role."""

    values: dict[str, str]
    parties: list[HeaderParty]
    group_members: list[str] = field(default_factory=list)  # `GROUP MEMBERS:`, one line each (Schedules 13D/G)

    @property
    def accession_number(self) -> str | None:
        return self.values.get("ACCESSION NUMBER")

    @property
    def form_type(self) -> str | None:
        return self.values.get("CONFORMED SUBMISSION TYPE")

    @property
    def filing_date(self) -> date | None:
        return _yyyymmdd(self.values.get("FILED AS OF DATE"))

    @property
    def period_of_report(self) -> date | None:
        return _yyyymmdd(self.values.get("CONFORMED PERIOD OF REPORT"))

    @property
    def date_of_change(self) -> date | None:
        return _yyyymmdd(self.values.get("DATE AS OF CHANGE"))

    @property
    def acceptance_datetime(self) -> datetime | None:
        """EDGAR's acceptance time, wall-clock New York time as EDGAR states it (naive)."""
        return acceptance_time(self.values.get("ACCEPTANCE-DATETIME", ""))

    def parties_in(self, role: str) -> list[HeaderParty]:
        return [party for party in self.parties if party.role == role]


@dataclass(frozen=True)
class SubmissionDocument:
    """One `<DOCUMENT>` of a submission; `text` is the content of its `<TEXT>` element."""

    type: str
    sequence: str
    filename: str | None
    description: str | None
    text: str


@dataclass
class Submission:
    header: SubmissionHeader
    documents: list[SubmissionDocument]

    def ownership_document(self) -> SubmissionDocument | None:
        """The document holding the `ownershipDocument` XML (the primary document of Forms 3/4/5)."""
        return next((doc for doc in self.documents if "<ownershipDocument" in doc.text), None)


def acceptance_time(text: str) -> datetime | None:
    """`<ACCEPTANCE-DATETIME>` (YYYYMMDDHHMMSS) as a naive datetime; digits that are no time (month 13) raise."""
    if len(text) != 14 or not text.isdigit():
        return None
    # Slicing, not strptime (ten times slower).
    return datetime(int(text[:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]), int(text[10:12]), int(text[12:14]))


def _yyyymmdd(text: str | None) -> date | None:
    if not text:
        return None
    text = text.strip()
    # `isdecimal` accepts exactly the digits a str pattern's `\d` does, without a regex call per date.
    if len(text) != 8 or not text.isdecimal():
        return None
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


class _HeaderReader:
    """A small state machine fed with tag and key/value events of either dialect."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.group_members: list[str] = []
        self.parties: list[HeaderParty] = []
        self.party: HeaderParty | None = None
        self.section: str | None = None
        self.former: dict[str, str] | None = None

    def open_role(self, name: str) -> None:
        self.party = HeaderParty(role=ROLE_NAMES[name])
        self.parties.append(self.party)
        self.section = None

    def open_section(self, name: str) -> None:
        self.section = name
        if name in FORMER_SECTIONS and self.party is not None:
            self.former = {}
            self.party.former_names.append(self.former)

    def close(self, name: str) -> None:
        if name in ROLE_NAMES:
            self.party, self.section = None, None
        elif SECTION_NAMES.get(name, name) == self.section:
            self.section = None

    def assign(self, key: str, value: str) -> None:
        key = KEY_ALIASES.get(key, key)
        if self.party is None:
            if key == GROUP_MEMBERS_KEY:
                self.group_members.append(value)
            self.values.setdefault(key, value)
        elif self.section in FORMER_SECTIONS and self.former is not None:
            self.former[key] = value
        else:
            self.party.sections.setdefault(self.section or "", {})[key] = value

    def tag(self, closing: str, name: str, text: str) -> None:
        if closing:
            self.close(name)
        elif name in _IGNORED_TAGS:
            return
        elif name in ROLE_NAMES:
            self.open_role(name)
        elif name in SECTION_NAMES:
            self.open_section(SECTION_NAMES[name])
        else:
            self.assign(name, text.strip())

    def key_value(self, key: str, value: str) -> None:
        key, value = key.strip(), value.strip()
        if not value and key in ROLE_NAMES:
            self.open_role(key)
        elif not value and key in _KNOWN_SECTIONS:
            self.open_section(key)
        else:
            self.assign(key, value)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def parse_header(header_text: str) -> SubmissionHeader:
    """Read either header dialect into a SubmissionHeader."""
    reader = _HeaderReader()
    key_value = _KEY_VALUE.match
    for line in _LINE_BREAK.split(header_text):
        if "<" in line:
            for closing, name, text in _TAG.findall(line):
                reader.tag(closing, name, text)
        else:
            match = key_value(line.strip())
            if match is not None:
                reader.key_value(*match.groups())
    return SubmissionHeader(values=reader.values, parties=reader.parties, group_members=reader.group_members)


def _document(block: str) -> SubmissionDocument:
    text_at = block.find("<TEXT>")
    meta_part = block if text_at < 0 else block[:text_at]
    meta = {name: value.strip() for name, value in _DOCUMENT_META.findall(meta_part)}
    text = ""
    if text_at >= 0:
        end = block.find("</TEXT>", text_at)
        text = block[text_at + len("<TEXT>") : end if end >= 0 else len(block)]
    return SubmissionDocument(
        type=meta.get("TYPE", ""),
        sequence=meta.get("SEQUENCE", ""),
        filename=meta.get("FILENAME"),
        description=meta.get("DESCRIPTION"),
        text=text,
    )


def _document_blocks(text: str, start: int) -> list[str]:
    """The content of each `<DOCUMENT>` after `start`; an unclosed last one runs to the end of the text.

    Plain `str.find`: a lazy `.*?` regex over the whole submission costs more than the rest of the parse.
    """
    blocks = []
    opening = text.find("<DOCUMENT>", start)
    while opening >= 0:
        body = opening + len("<DOCUMENT>")
        closing = text.find("</DOCUMENT>", body)
        if closing < 0:
            blocks.append(text[body:])
            break
        blocks.append(text[body:closing])
        opening = text.find("<DOCUMENT>", closing)
    return blocks


def check_complete(raw: bytes) -> None:
    """Raise SubmissionFormatError unless the bytes end like a whole submission (checked before archiving)."""
    if not raw.strip():
        raise SubmissionFormatError("empty_submission", "the submission has no content")
    tail = raw[-4096:].decode("latin-1")
    if not any(closing in tail for closing in _CLOSINGS):
        raise SubmissionFormatError(
            "truncated_submission", "no closing </SEC-DOCUMENT> or </SUBMISSION>: the download was cut short"
        )


def parse_submission(raw: bytes) -> Submission:
    """Split raw submission bytes into header and documents.

    Bytes are read as Latin-1, which maps every byte to one character, so `xml_bytes` can give the
    XML its original bytes back and let the XML parser honour the document's own encoding.
    """
    check_complete(raw)
    text = raw.decode("latin-1")
    first_document = text.find("<DOCUMENT>")
    header_end = text.find("</SEC-HEADER>")
    if header_end < 0 or (0 <= first_document < header_end):
        header_end = first_document if first_document >= 0 else len(text)
    header = parse_header(text[:header_end])
    if header.accession_number is None:
        raise SubmissionFormatError("no_sgml_header", "no ACCESSION NUMBER in the submission header")
    documents = [_document(block) for block in _document_blocks(text, header_end)]
    return Submission(header=header, documents=documents)


def xml_bytes(document: SubmissionDocument) -> bytes:
    """The bytes of the XML inside a document's `<XML>` wrapper (or the whole text when unwrapped)."""
    text = document.text
    start = text.find("<XML>")
    if start >= 0:
        end = text.find("</XML>", start)
        if end < 0:
            raise SubmissionFormatError("truncated_xml", "<XML> is never closed by </XML>")
        text = text[start + len("<XML>") : end]
    return text.strip().encode("latin-1")
