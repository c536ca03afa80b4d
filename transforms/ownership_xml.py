"""`ownershipDocument` XML (Forms 3, 4, 5 and amendments) → plain records, every element kept.

Layout follows the EDGAR Ownership XML Technical Specification (v3), plus `aff10b5One` (2023) and the
2026 foreign-issuer fields. Each table leaf is `<value>` plus `<footnoteId>`s: the value and the
footnote ids go to separate fields, and a leaf given only by footnote is None, listed in
`values_given_by_footnote`, never 0.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

# Real filings are far below this; a document above it is quarantined rather than parsed.
MAX_XML_BYTES = 8 * 1024 * 1024
MAX_DECIMAL_SCALE = 6
# DECIMAL(38, 6) holds 32 digits before the point; larger numbers are kept raw in unparsed_values.
MAX_DECIMAL_INTEGER_DIGITS = 38 - MAX_DECIMAL_SCALE


class OwnershipXmlError(ValueError):
    """A document that cannot be read as an ownershipDocument; `reason` is a stable code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Leaf:
    """One XML leaf → one column: `path` below its parent, `kind` of value, `wrapped` in `<value>`."""

    column: str
    path: str
    kind: str = "text"
    wrapped: bool = True


def _value_leaves(*specs: tuple[str, str, str]) -> tuple[Leaf, ...]:
    return tuple(Leaf(column, path, kind) for column, path, kind in specs)


def _plain_leaves(*specs: tuple[str, str, str]) -> tuple[Leaf, ...]:
    return tuple(Leaf(column, path, kind, wrapped=False) for column, path, kind in specs)


DOCUMENT_LEAVES = _plain_leaves(
    ("schema_version", "schemaVersion", "text"),
    ("document_type", "documentType", "text"),
    ("period_of_report", "periodOfReport", "date"),
    ("date_of_original_submission", "dateOfOriginalSubmission", "date"),
    ("no_securities_owned", "noSecuritiesOwned", "bool"),
    ("not_subject_to_section16", "notSubjectToSection16", "bool"),
    ("form3_holdings_reported", "form3HoldingsReported", "bool"),
    ("form4_transactions_reported", "form4TransactionsReported", "bool"),
    ("aff10b5_one", "aff10b5One", "bool"),
    ("issuer_cik", "issuer/issuerCik", "cik"),
    ("issuer_name", "issuer/issuerName", "text"),
    ("issuer_trading_symbol", "issuer/issuerTradingSymbol", "text"),
    ("issuer_foreign_trading_symbol", "issuer/issuerForeignTradingSymbol", "text"),
    ("remarks", "remarks", "text"),
)

OWNER_LEAVES = _plain_leaves(
    ("owner_cik", "reportingOwnerId/rptOwnerCik", "cik"),
    ("owner_ccc", "reportingOwnerId/rptOwnerCcc", "text"),
    ("owner_name", "reportingOwnerId/rptOwnerName", "text"),
    ("street1", "reportingOwnerAddress/rptOwnerStreet1", "text"),
    ("street2", "reportingOwnerAddress/rptOwnerStreet2", "text"),
    ("city", "reportingOwnerAddress/rptOwnerCity", "text"),
    ("state", "reportingOwnerAddress/rptOwnerState", "text"),
    ("zip_code", "reportingOwnerAddress/rptOwnerZipCode", "text"),
    ("state_description", "reportingOwnerAddress/rptOwnerStateDescription", "text"),
    ("good_address", "reportingOwnerAddress/rptOwnerGoodAddress", "bool"),
    ("non_us_address_flag", "reportingOwnerAddress/rptOwnerNonUSAddressFlag", "bool"),
    ("non_us_state_territory", "reportingOwnerAddress/rptOwnerNonUSStateTerritory", "text"),
    ("country", "reportingOwnerAddress/rptOwnerCountry", "text"),
    ("is_director", "reportingOwnerRelationship/isDirector", "bool"),
    ("is_officer", "reportingOwnerRelationship/isOfficer", "bool"),
    ("is_ten_percent_owner", "reportingOwnerRelationship/isTenPercentOwner", "bool"),
    ("is_other", "reportingOwnerRelationship/isOther", "bool"),
    ("officer_title", "reportingOwnerRelationship/officerTitle", "text"),
    ("other_text", "reportingOwnerRelationship/otherText", "text"),
)

_SECURITY = _value_leaves(("security_title", "securityTitle", "text"))
_DERIVATIVE_TERMS = _value_leaves(
    ("conversion_or_exercise_price", "conversionOrExercisePrice", "decimal"),
    ("exercise_date", "exerciseDate", "date"),
    ("expiration_date", "expirationDate", "date"),
    ("underlying_security_title", "underlyingSecurity/underlyingSecurityTitle", "text"),
    ("underlying_security_shares", "underlyingSecurity/underlyingSecurityShares", "decimal"),
    ("underlying_security_value", "underlyingSecurity/underlyingSecurityValue", "decimal"),
)
_POST_AND_NATURE = _value_leaves(
    ("shares_owned_following_transaction", "postTransactionAmounts/sharesOwnedFollowingTransaction", "decimal"),
    ("value_owned_following_transaction", "postTransactionAmounts/valueOwnedFollowingTransaction", "decimal"),
    ("direct_or_indirect_ownership", "ownershipNature/directOrIndirectOwnership", "text"),
    ("nature_of_ownership", "ownershipNature/natureOfOwnership", "text"),
)
_TRANSACTION_ONLY = (
    *_value_leaves(
        ("transaction_date", "transactionDate", "date"),
        ("deemed_execution_date", "deemedExecutionDate", "date"),
    ),
    *_plain_leaves(
        ("transaction_form_type", "transactionCoding/transactionFormType", "text"),
        ("transaction_code", "transactionCoding/transactionCode", "text"),
        ("equity_swap_involved", "transactionCoding/equitySwapInvolved", "bool"),
    ),
    *_value_leaves(
        ("transaction_timeliness", "transactionTimeliness", "text"),
        ("transaction_shares", "transactionAmounts/transactionShares", "decimal"),
        ("transaction_total_value", "transactionAmounts/transactionTotalValue", "decimal"),
        ("transaction_price_per_share", "transactionAmounts/transactionPricePerShare", "decimal"),
        ("transaction_acquired_disposed_code", "transactionAmounts/transactionAcquiredDisposedCode", "text"),
    ),
)
TRANSACTION_LEAVES = (*_SECURITY, *_TRANSACTION_ONLY, *_DERIVATIVE_TERMS, *_POST_AND_NATURE)
HOLDING_LEAVES = (
    *_SECURITY,
    *_plain_leaves(("transaction_form_type", "transactionCoding/transactionFormType", "text")),
    *_DERIVATIVE_TERMS,
    *_POST_AND_NATURE,
)
# Footnotes may also hang on a whole block rather than on one of its leaves.
BLOCK_FOOTNOTES = {"transaction_coding_footnote_ids": "transactionCoding"}

ROW_KINDS = {
    "nonDerivativeTable/nonDerivativeTransaction": ("transactions", "non_derivative"),
    "nonDerivativeTable/nonDerivativeHolding": ("holdings", "non_derivative"),
    "derivativeTable/derivativeTransaction": ("transactions", "derivative"),
    "derivativeTable/derivativeHolding": ("holdings", "derivative"),
}
_CONTAINERS = frozenset(
    {
        "issuer",
        "reportingOwner",
        "reportingOwnerId",
        "reportingOwnerAddress",
        "reportingOwnerRelationship",
        "nonDerivativeTable",
        "derivativeTable",
        "footnotes",
        "ownerSignature",
        "transactionCoding",
        "transactionAmounts",
        "postTransactionAmounts",
        "ownershipNature",
        "underlyingSecurity",
        "nonDerivativeTransaction",
        "nonDerivativeHolding",
        "derivativeTransaction",
        "derivativeHolding",
    }
)


@dataclass
class OwnershipRecord:
    """Everything one ownershipDocument says, as plain Python values ready for typed frames."""

    document: dict[str, Any]
    owners: list[dict[str, Any]]
    transactions: list[dict[str, Any]]
    holdings: list[dict[str, Any]]
    footnotes: list[dict[str, Any]]
    signatures: list[dict[str, Any]]
    unknown_elements: list[dict[str, Any]] = field(default_factory=list)


class _Problems:
    """Values that could not be typed: kept as raw text instead of being dropped."""

    def __init__(self) -> None:
        self.raw: list[dict[str, str]] = []

    def note(self, column: str, text: str) -> None:
        self.raw.append({"field": column, "raw": text})


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    stripped = element.text.strip()
    return stripped or None


def _to_decimal(text: str) -> Decimal:
    number = Decimal(text.replace(",", "")) if re.fullmatch(r"[+-]?[\d,]*\.?\d*", text) else None
    if number is None or not number.is_finite():
        raise ValueError(text)
    if number.as_tuple().exponent < -MAX_DECIMAL_SCALE:  # type: ignore[operator]
        raise ValueError(text)
    if number.adjusted() >= MAX_DECIMAL_INTEGER_DIGITS:
        raise ValueError(text)
    return number


def _to_date(text: str) -> date:
    # `2012-07-27-04:00` carries a zone; the calendar date is what the filer meant.
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match is None:
        raise ValueError(text)
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _to_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in {"1", "true"}:
        return True
    if lowered in {"0", "false"}:
        return False
    raise ValueError(text)


def _to_cik(text: str) -> int:
    if not text.isdigit() or len(text) > 10:
        raise ValueError(text)
    return int(text)


CONVERTERS: dict[str, Callable[[str], Any]] = {
    "text": str,
    "decimal": _to_decimal,
    "date": _to_date,
    "bool": _to_bool,
    "cik": _to_cik,
}


def _convert(leaf: Leaf, text: str | None, problems: _Problems) -> Any:
    if text is None:
        return None
    try:
        return CONVERTERS[leaf.kind](text)
    except (ValueError, InvalidOperation):
        problems.note(leaf.column, text)
        return None


def _footnote_ids(element: etree._Element | None) -> list[str]:
    if element is None:
        return []
    return [ref.get("id", "").strip() for ref in element.findall("footnoteId")]


def _descendants_by_path(parent: etree._Element, depth: int = 3) -> dict[str, etree._Element]:
    """First element at each relative path below `parent` (what `find` returns), in one walk instead of one per leaf."""
    found: dict[str, etree._Element] = {}
    level = [("", parent)]
    for _ in range(depth):
        deeper = []
        for prefix, element in level:
            for child in element.iterchildren(etree.Element):
                path = f"{prefix}{child.tag}"
                if path not in found:
                    found[path] = child
                deeper.append((path + "/", child))
        level = deeper
    return found


def _read_leaves(parent: etree._Element, leaves: tuple[Leaf, ...], problems: _Problems) -> dict[str, Any]:
    row: dict[str, Any] = {}
    by_footnote: list[str] = []
    below = _descendants_by_path(parent)
    for leaf in leaves:
        element = below.get(leaf.path)
        if not leaf.wrapped:
            row[leaf.column] = _convert(leaf, _text(element), problems)
            continue
        value = _convert(leaf, _text(element.find("value")) if element is not None else None, problems)
        footnotes = _footnote_ids(element)
        row[leaf.column] = value
        row[f"{leaf.column}_footnote_ids"] = footnotes
        if value is None and footnotes:
            by_footnote.append(leaf.column)
    if any(leaf.wrapped for leaf in leaves):
        row["values_given_by_footnote"] = by_footnote
    return row


def _row(element: etree._Element, table: str, problems: _Problems) -> dict[str, Any]:
    row = _read_leaves(element, TRANSACTION_LEAVES if table == "transactions" else HOLDING_LEAVES, problems)
    for column, block in BLOCK_FOOTNOTES.items():
        row[column] = _footnote_ids(element.find(block))
    return row


CONTAINER = "(container)"
ROOT = "ownershipDocument"


def _add_leaves(mapping: dict[str, str], prefix: str, table: str, leaves: Iterable[Leaf]) -> None:
    for leaf in leaves:
        parts = leaf.path.split("/")
        for depth in range(1, len(parts)):
            mapping.setdefault("/".join([prefix, *parts[:depth]]), CONTAINER)
        path = "/".join([prefix, *parts])
        if leaf.wrapped:
            mapping[path] = CONTAINER
            mapping[f"{path}/value"] = f"{table}.{leaf.column}"
            mapping[f"{path}/footnoteId"] = f"{table}.{leaf.column}_footnote_ids"
        else:
            mapping[path] = f"{table}.{leaf.column}"


def element_destinations() -> dict[str, str]:
    """Every element path the parser reads → the column it fills (or CONTAINER for grouping elements)."""
    mapping: dict[str, str] = {ROOT: CONTAINER, f"{ROOT}/reportingOwner": CONTAINER}
    _add_leaves(mapping, ROOT, "filings", DOCUMENT_LEAVES)
    _add_leaves(mapping, f"{ROOT}/reportingOwner", "filing_owners", OWNER_LEAVES)
    for row_path, (table, _) in ROW_KINDS.items():
        prefix = f"{ROOT}/{row_path}"
        mapping.setdefault(prefix.rsplit("/", 1)[0], CONTAINER)
        mapping[prefix] = f"{table} (one row)"
        _add_leaves(mapping, prefix, table, TRANSACTION_LEAVES if table == "transactions" else HOLDING_LEAVES)
        for column, block in BLOCK_FOOTNOTES.items():
            mapping[f"{prefix}/{block}/footnoteId"] = f"{table}.{column}"
    mapping[f"{ROOT}/footnotes"] = CONTAINER
    mapping[f"{ROOT}/footnotes/footnote"] = "footnotes.footnote_text (@id: footnote_id)"
    mapping[f"{ROOT}/ownerSignature"] = "signatures (one row)"
    mapping[f"{ROOT}/ownerSignature/signatureName"] = "signatures.signature_name"
    mapping[f"{ROOT}/ownerSignature/signatureDate"] = "signatures.signature_date"
    return mapping


# Paths the parser reads; any other element is kept verbatim in unknown_elements.
KNOWN_PATHS = frozenset(tuple(path.split("/")) for path in element_destinations())


def _unknown_elements(root: etree._Element) -> list[dict[str, Any]]:
    """Elements outside the specification, kept with their path and text so nothing is dropped.

    Only known elements are descended into: below an unknown one, its verbatim text already keeps everything.
    """
    unknown = []
    pending = [((root.tag,), root)]
    while pending:
        path, element = pending.pop()
        for child in element.iterchildren(etree.Element):
            child_path = (*path, child.tag)
            if child_path in KNOWN_PATHS:
                pending.append((child_path, child))
            else:
                unknown.append((child_path, child))
    unknown.sort(key=lambda item: item[1].sourceline or 0)
    return [{"path": "/".join(path), "text": etree.tostring(element, encoding="unicode")} for path, element in unknown]


def _strip_namespaces(root: etree._Element) -> None:
    for element in root.iter(etree.Element):
        if element.tag.startswith("{"):
            element.tag = etree.QName(element).localname


def parse_tree(xml: bytes) -> etree._Element:
    """The document's root with namespaces stripped, after the size and DTD guards; raises OwnershipXmlError."""
    if len(xml) > MAX_XML_BYTES:
        raise OwnershipXmlError("xml_too_large", f"{len(xml):,} bytes exceeds the {MAX_XML_BYTES:,}-byte cap")
    # Ownership documents never carry a DTD: refusing one stops entity expansion and external entities.
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise OwnershipXmlError("xml_dtd_forbidden", "the document declares a DTD or entities")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=True
    )
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as error:
        raise OwnershipXmlError("xml_malformed", str(error)) from error
    if root is None:
        raise OwnershipXmlError("xml_malformed", "no root element")
    _strip_namespaces(root)
    if root.tag != "ownershipDocument":
        raise OwnershipXmlError("not_ownership_document", f"root element is <{root.tag}>")
    return root


def parse_ownership_xml(xml: bytes) -> OwnershipRecord:
    """Parse one ownershipDocument; raises OwnershipXmlError with a reason code on bad input."""
    root = parse_tree(xml)
    problems = _Problems()
    document = _read_leaves(root, DOCUMENT_LEAVES, problems)
    owners = []
    for position, owner in enumerate(root.findall("reportingOwner"), start=1):
        owners.append({"owner_position": position, **_read_leaves(owner, OWNER_LEAVES, problems)})
    tables: dict[str, list[dict[str, Any]]] = {"transactions": [], "holdings": []}
    for row_path, (table, kind) in ROW_KINDS.items():
        for line_number, element in enumerate(root.findall(row_path), start=1):
            tables[table].append({"table_kind": kind, "line_number": line_number, **_row(element, table, problems)})
    footnotes = [
        {"footnote_id": (note.get("id") or "").strip(), "footnote_text": "".join(note.itertext()).strip()}
        for note in root.findall("footnotes/footnote")
    ]
    signatures = [
        {
            "line_number": number,
            "signature_name": _text(signature.find("signatureName")),
            "signature_date": _convert(
                Leaf("signature_date", "", "date"), _text(signature.find("signatureDate")), problems
            ),
        }
        for number, signature in enumerate(root.findall("ownerSignature"), start=1)
    ]
    document["unparsed_values"] = problems.raw
    return OwnershipRecord(
        document=document,
        owners=owners,
        transactions=tables["transactions"],
        holdings=tables["holdings"],
        footnotes=footnotes,
        signatures=signatures,
        unknown_elements=_unknown_elements(root),
    )
