"""Schedules 13D and 13G as filed in XML (`primary_doc.xml`, root `edgarSubmission`): the cover page's facts, every
reporting person's, and the items a reader of holdings needs (13D's purpose, 13G's "5% or less").

The two schedules name the same facts differently (13D `aggregateAmountOwned`, `percentOfClass`, `dateOfEvent`; 13G
`reportingPersonBeneficiallyOwnedAggregateNumberOfShares`, `classPercent`, `eventDateRequiresFilingThisStatement`),
schema X0202 nests the CUSIPs (`issuerCusips/issuerCusipNumber`), and the common namespace's elements come under any
prefix or none: elements are matched on namespace and local name, never on prefix. What a filer got wrong and can be
read anyway (a CIK with spaces, the placeholder CUSIP 000000000, `???` where a character was lost, an amount that is
not a number) is kept as filed or left out, and named in `flags`; a document that is not well-formed XML, or not a
Schedule 13D/G, raises Schedule13Error with a reason code, for the caller to quarantine.
"""

import re
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import NamedTuple

from lxml import etree

from transforms.reasons import ReasonedError, guarded_root

SCHEDULE_13D_NAMESPACE = "http://www.sec.gov/edgar/schedule13D"
SCHEDULE_13G_NAMESPACE = "http://www.sec.gov/edgar/schedule13g"
SCHEDULES = {SCHEDULE_13D_NAMESPACE: "13D", SCHEDULE_13G_NAMESPACE: "13G"}
ROOT = "edgarSubmission"
# The largest document read: the specification's cover pages and items are text of at most a few hundred kB.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# The CUSIP a filer types when the form asks for one the class does not have.
PLACEHOLDER_CUSIP = "000000000"
# What an upload left where a character it could not encode was.
LOST_CHARACTERS = "???"
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_CIK = re.compile(r"\d{1,10}")


class Schedule13Error(ReasonedError):
    """A document that cannot be read as a Schedule 13D/G; `reason` is a code for ingest_failures."""


class ReportingPerson(NamedTuple):
    """One cover page: a person reporting the shares it beneficially owns (the persons of one filing overlap: a
    parent, its funds and its manager each report the same shares). A named tuple: made for every person of every
    filing, it costs a third of a frozen dataclass."""

    position: int
    name: str | None
    cik: str | None  # as 10 digits; 13G persons usually have none
    no_cik: bool | None  # 13D's "this person has no CIK" box
    member_of_group: str | None  # "a" (a group) or "b" (not), the cover's group box
    citizenship: str | None  # citizenship or place of organization, as EDGAR's country/state code
    sole_voting_power: Decimal | None
    shared_voting_power: Decimal | None
    sole_dispositive_power: Decimal | None
    shared_dispositive_power: Decimal | None
    aggregate_amount: Decimal | None
    excludes_certain_shares: bool | None
    percent_of_class: Decimal | None
    type_codes: tuple[str, ...]  # IA, PN, CO, IN, ... (several)
    funds_sources: tuple[str, ...]  # 13D's source of funds: WC, AF, PF, OO, ... (several)
    comment: str | None


@dataclass(frozen=True)
class Schedule13Document:
    """A Schedule 13D or 13G (or an amendment) as its XML states it."""

    schedule: str  # "13D" or "13G"
    submission_type: str | None  # SCHEDULE 13D, SCHEDULE 13D/A, SCHEDULE 13G, SCHEDULE 13G/A
    schema_version: str | None  # X0202 from 2026; absent before
    filer_cik: str | None
    previous_accession_number: str | None  # an amendment's: the chain's original, perhaps a pre-XML filing
    amendment_number: int | None
    class_title: str | None
    event_date: date | None
    issuer_cik: str | None
    issuer_name: str | None
    issuer_cusips: tuple[str, ...]
    rules: tuple[str, ...]  # 13G: Rule 13d-1(b), (c), (d)
    purpose: str | None  # 13D item 4
    five_percent_or_less: bool | None  # 13G item 5
    persons: tuple[ReportingPerson, ...]
    flags: tuple[str, ...]  # "<what>:<field>" for each fact read despite a mistake, or left out because of one

    @property
    def is_amendment(self) -> bool:
        return bool(self.submission_type and self.submission_type.endswith("/A"))


_PARSERS = threading.local()


def _parser() -> etree.XMLParser:
    """This thread's parser: made once (making one costs about as much as reading a small document), and per
    thread, since an lxml parser must not be shared between threads."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        _PARSERS.parser = parser
    return parser


def _first(children: dict[str, list[etree._Element]], *names: str) -> etree._Element | None:
    for name in names:
        if name in children:
            return children[name][0]
    return None


class _Reader:
    """Reads the schedule's elements (those of `namespace`, whatever their prefix) as text, numbers, dates and codes,
    naming in `flags` what it had to clean or leave out."""

    def __init__(self, namespace: str) -> None:
        self.flags: list[str] = []
        self.prefix = f"{{{namespace}}}"

    def one(self, element: etree._Element | None, *names: str) -> etree._Element | None:
        """The element's first child of the schedule's namespace named any of `names`: lxml filters in C, which
        beats a `children` dict where one child of many is wanted (the items of a schedule)."""
        if element is None:
            return None
        return next(element.iterchildren(*[self.prefix + name for name in names]), None)

    def children(self, element: etree._Element | None) -> dict[str, list[etree._Element]]:
        """The element's children of the schedule's namespace by local name, in document order."""
        found: dict[str, list[etree._Element]] = {}
        if element is None:
            return found
        prefix, start = self.prefix, len(self.prefix)
        for child in element:
            tag = child.tag
            if type(tag) is str and tag.startswith(prefix):  # not a comment, nor another namespace's
                name = tag[start:]
                if name in found:
                    found[name].append(child)
                else:
                    found[name] = [child]
        return found

    def text(self, element: etree._Element | None, field: str) -> str | None:
        if element is None or element.text is None:
            return None
        value = element.text.strip()
        if LOST_CHARACTERS in value:
            self.flags.append(f"lost_characters:{field}")
        return value or None

    def texts(self, elements: list[etree._Element], field: str) -> tuple[str, ...]:
        return tuple(value for element in elements if (value := self.text(element, field)) is not None)

    def amount(self, element: etree._Element | None, field: str) -> Decimal | None:
        value = self.text(element, field)
        if value is None:
            return None
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            self.flags.append(f"not_a_number:{field}")
            return None
        if not number.is_finite():
            self.flags.append(f"not_a_number:{field}")
            return None
        return number

    def day(self, element: etree._Element | None, field: str) -> date | None:
        value = self.text(element, field)
        if value is None:
            return None
        match = _DATE.fullmatch(value)
        try:
            if match is None:
                raise ValueError(value)
            month, day, year = (int(part) for part in match.groups())
            return date(year, month, day)
        except ValueError:
            self.flags.append(f"not_a_date:{field}")
            return None

    def yes_no(self, element: etree._Element | None, field: str) -> bool | None:
        value = self.text(element, field)
        if value is None:
            return None
        answer = {"y": True, "yes": True, "true": True, "n": False, "no": False, "false": False}.get(value.lower())
        if answer is None:
            self.flags.append(f"not_yes_or_no:{field}")
        return answer

    def cik(self, element: etree._Element | None, field: str) -> str | None:
        if element is None or element.text is None:
            return None
        if element.text != element.text.strip():
            self.flags.append(f"cik_whitespace:{field}")
        value = element.text.strip()
        if not value:
            return None
        if not _CIK.fullmatch(value):
            self.flags.append(f"not_a_cik:{field}")
            return None
        return value.zfill(10)

    def cusips(self, elements: list[etree._Element]) -> tuple[str, ...]:
        kept = []
        for value in self.texts(elements, "issuer_cusip"):
            if value.strip("0") == "" and len(value) == len(PLACEHOLDER_CUSIP):
                self.flags.append("placeholder_cusip:issuer_cusip")
                continue
            kept.append(value.upper())
        return tuple(kept)


def parse_tree(xml: bytes) -> tuple[etree._Element, str]:
    """The document's root and its schedule's namespace, after the size and DTD guards (a blank line before `<?xml`
    is allowed, as EDGAR does)."""
    root = guarded_root(xml, _parser(), MAX_DOCUMENT_BYTES, Schedule13Error, blank_first=True)
    namespace, _, local = root.tag[1:].rpartition("}") if root.tag.startswith("{") else ("", "", root.tag)
    if local != ROOT or namespace not in SCHEDULES:
        raise Schedule13Error("not_schedule13", f"root element is <{local}> in namespace {namespace or None!r}")
    return root, namespace


# Each reporting person's fact by the local names the two schedules give it (13D's, then 13G's), read wherever it
# sits in the person's element (13G nests the four powers one level down).
_PERSON_FIELDS = {
    "reportingPersonName": "name",
    "reportingPersonCIK": "cik",
    "reportingPersonCik": "cik",
    "reportingPersonNoCIK": "no_cik",
    "memberOfGroup": "group",
    "memberGroup": "group",
    "citizenshipOrOrganization": "citizenship",
    "soleVotingPower": "sole_voting",
    "sharedVotingPower": "shared_voting",
    "soleDispositivePower": "sole_dispositive",
    "sharedDispositivePower": "shared_dispositive",
    "aggregateAmountOwned": "aggregate",
    "reportingPersonBeneficiallyOwnedAggregateNumberOfShares": "aggregate",
    "isAggregateExcludeShares": "excludes",
    "aggregateAmountExcludesCertainSharesFlag": "excludes",
    "percentOfClass": "percent",
    "classPercent": "percent",
    "typeOfReportingPerson": "types",
    "fundType": "funds",
    "commentContent": "comment",
    "comments": "comment",
}
_REPEATED = frozenset({"types", "funds"})


@cache
def _person_fields(prefix: str) -> dict[str, str]:
    """_PERSON_FIELDS by the qualified tag lxml gives (`{namespace}name`), for one pass over a person."""
    return {prefix + name: field for name, field in _PERSON_FIELDS.items()}


def _person(reader: _Reader, element: etree._Element, position: int) -> ReportingPerson:
    """One pass over the person's elements: its first of each fact, every type code and source of funds."""
    fields = _person_fields(reader.prefix)
    found: dict[str, etree._Element] = {}
    repeated: dict[str, list[etree._Element]] = {"types": [], "funds": []}
    for child in element.iter():
        field = fields.get(child.tag)
        if field is None:
            continue
        if field in _REPEATED:
            repeated[field].append(child)
        elif field not in found:
            found[field] = child
    get = found.get
    return ReportingPerson(
        position=position,
        name=reader.text(get("name"), "person_name"),
        cik=reader.cik(get("cik"), "person_cik"),
        no_cik=reader.yes_no(get("no_cik"), "person_no_cik"),
        member_of_group=reader.text(get("group"), "member_of_group"),
        citizenship=reader.text(get("citizenship"), "citizenship"),
        sole_voting_power=reader.amount(get("sole_voting"), "sole_voting_power"),
        shared_voting_power=reader.amount(get("shared_voting"), "shared_voting_power"),
        sole_dispositive_power=reader.amount(get("sole_dispositive"), "sole_dispositive_power"),
        shared_dispositive_power=reader.amount(get("shared_dispositive"), "shared_dispositive_power"),
        aggregate_amount=reader.amount(get("aggregate"), "aggregate_amount"),
        excludes_certain_shares=reader.yes_no(get("excludes"), "excludes_certain_shares"),
        percent_of_class=reader.amount(get("percent"), "percent_of_class"),
        type_codes=reader.texts(repeated["types"], "type_codes"),
        funds_sources=reader.texts(repeated["funds"], "funds_sources"),
        comment=reader.text(get("comment"), "person_comment"),
    )


def parse_schedule13(xml: bytes) -> Schedule13Document:
    """Parse one Schedule 13D/G `primary_doc.xml`; raises Schedule13Error with a reason code on bad input."""
    root, namespace = parse_tree(xml)
    schedule = SCHEDULES[namespace]
    reader = _Reader(namespace)
    top = reader.children(root)
    header = reader.children(_first(top, "headerData"))
    one = reader.one
    filer_cik = one(one(one(_first(header, "filerInfo"), "filer"), "filerCredentials"), "cik")
    form = reader.children(_first(top, "formData"))
    cover = reader.children(_first(form, "coverPageHeader"))
    issuer = reader.children(_first(cover, "issuerInfo"))
    cusip_elements = issuer.get("issuerCUSIP", []) + issuer.get("issuerCusip", [])
    for nested in issuer.get("issuerCusips", []):
        cusip_elements += reader.children(nested).get("issuerCusipNumber", [])
    rules = reader.children(_first(cover, "designateRulesPursuantThisScheduleFiled")).get(
        "designateRulePursuantThisScheduleFiled", []
    )
    if schedule == "13D":
        person_elements = reader.children(_first(form, "reportingPersons")).get("reportingPersonInfo", [])
        purpose = reader.one(reader.one(_first(form, "items1To7"), "item4"), "transactionPurpose")
        five_percent = None
    else:
        person_elements = form.get("coverPageHeaderReportingPersonDetails", [])
        purpose = None
        five_percent = reader.one(reader.one(_first(form, "items"), "item5"), "classOwnership5PercentOrLess")
    amendment = reader.text(_first(cover, "amendmentNo"), "amendment_number")
    if amendment is not None and not amendment.isdigit():
        reader.flags.append("not_a_number:amendment_number")
    persons = tuple(_person(reader, element, position) for position, element in enumerate(person_elements, 1))
    return Schedule13Document(
        schedule=schedule,
        submission_type=reader.text(_first(header, "submissionType"), "submission_type"),
        schema_version=reader.text(_first(top, "schemaVersion"), "schema_version"),
        filer_cik=reader.cik(filer_cik, "filer_cik"),
        previous_accession_number=reader.text(_first(header, "previousAccessionNumber"), "previous_accession_number"),
        amendment_number=int(amendment) if amendment is not None and amendment.isdigit() else None,
        class_title=reader.text(_first(cover, "securitiesClassTitle"), "class_title"),
        event_date=reader.day(_first(cover, "dateOfEvent", "eventDateRequiresFilingThisStatement"), "event_date"),
        issuer_cik=reader.cik(_first(issuer, "issuerCIK", "issuerCik"), "issuer_cik"),
        issuer_name=reader.text(_first(issuer, "issuerName"), "issuer_name"),
        issuer_cusips=reader.cusips(cusip_elements),
        rules=reader.texts(rules, "rules"),
        purpose=reader.text(purpose, "purpose"),
        five_percent_or_less=reader.yes_no(five_percent, "five_percent_or_less"),
        persons=persons,
        flags=tuple(dict.fromkeys(reader.flags)),
    )
