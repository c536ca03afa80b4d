"""`ownershipDocument` XML (Forms 3, 4, 5 and amendments) → plain records, every element kept.

One walk over the tree reads every leaf declared in `ownership_fields`; any other element is kept verbatim in
`unknown_elements`. Each table leaf is `<value>` plus `<footnoteId>`s: the value and the footnote ids go to
separate fields, and a leaf given only by footnote is None, listed in `values_given_by_footnote`, never 0.
Where the specification allows one element and a filing repeats it, the first is read and the repeat is kept
in `unknown_elements`, so nothing is dropped.
"""

import re
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from lxml import etree

from transforms.ownership_fields import (
    BLOCK_FOOTNOTES,
    DOCUMENT_LEAVES,
    HOLDING_LEAVES,
    OWNER_LEAVES,
    ROOT,
    ROW_KINDS,
    SIGNATURE_LEAVES,
    TRANSACTION_LEAVES,
    Leaf,
)
from transforms.reasons import ReasonedError, guarded_root

# Real filings are far below this; a document above it is quarantined rather than parsed.
MAX_XML_BYTES = 8 * 1024 * 1024
MAX_DECIMAL_SCALE = 6
# DECIMAL(38, 6) holds 32 digits before the point; larger numbers are kept raw in unparsed_values.
MAX_DECIMAL_INTEGER_DIGITS = 38 - MAX_DECIMAL_SCALE


class OwnershipXmlError(ReasonedError):
    """A document that cannot be read as an ownershipDocument; `reason` is a stable code."""


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


_DECIMAL = re.compile(r"[+-]?[\d,]*\.?\d*")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _to_decimal(text: str) -> Decimal:
    number = Decimal(text.replace(",", "")) if _DECIMAL.fullmatch(text) else None
    if number is None or not number.is_finite():
        raise ValueError(text)
    if number.as_tuple().exponent < -MAX_DECIMAL_SCALE:  # type: ignore[operator]
        raise ValueError(text)
    if number.adjusted() >= MAX_DECIMAL_INTEGER_DIGITS:
        raise ValueError(text)
    return number


def _to_date(text: str) -> date:
    # `2012-07-27-04:00` carries a zone; the calendar date is what the filer meant.
    match = _DATE.match(text)
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


# Filings repeat their values (the same dates, flags, CIKs and round amounts on every line), and every result is
# immutable, so each converter remembers its latest answers: a hit costs a tenth of converting again. A text that
# does not convert raises each time; exceptions are not remembered.
_REMEMBERED_VALUES = 1 << 16
CONVERTERS: dict[str, Callable[[str], Any]] = {
    "text": str,
    "decimal": lru_cache(maxsize=_REMEMBERED_VALUES)(_to_decimal),
    "date": lru_cache(maxsize=_REMEMBERED_VALUES)(_to_date),
    "bool": lru_cache(maxsize=_REMEMBERED_VALUES)(_to_bool),
    "cik": lru_cache(maxsize=_REMEMBERED_VALUES)(_to_cik),
}


@dataclass(frozen=True)
class _BlockFootnotes:
    """`<footnoteId>`s hung on a whole block (not on one of its leaves) → this list column."""

    column: str


class _LeafSpec:
    """A leaf as the walk needs it: its columns and its converter (None for text)."""

    __slots__ = ("column", "converter", "ids_column")

    def __init__(self, leaf: Leaf) -> None:
        self.column = leaf.column
        self.ids_column = f"{leaf.column}_footnote_ids" if leaf.wrapped else None
        self.converter = None if leaf.kind == "text" else CONVERTERS[leaf.kind]


@dataclass(frozen=True)
class _Shape:
    """How to read one kind of record: its known element tree, and the columns to default when absent."""

    tree: dict[str, Any]  # tag → _LeafSpec | _BlockFootnotes | nested tree of a grouping element
    columns: tuple[str, ...]
    wrapped: tuple[tuple[str, str], ...]  # (value column, footnote-ids column) of each `<value>` leaf
    blocks: tuple[str, ...]


def _shape(leaves: tuple[Leaf, ...], blocks: dict[str, str] | None = None) -> _Shape:
    tree: dict[str, Any] = {}
    for leaf in leaves:
        *containers, tag = leaf.path.split("/")
        level = tree
        for name in containers:
            level = level.setdefault(name, {})
        level[tag] = _LeafSpec(leaf)
    for column, block in (blocks or {}).items():
        tree.setdefault(block, {})["footnoteId"] = _BlockFootnotes(column)
    return _Shape(
        tree=tree,
        columns=tuple(leaf.column for leaf in leaves),
        wrapped=tuple((leaf.column, f"{leaf.column}_footnote_ids") for leaf in leaves if leaf.wrapped),
        blocks=tuple(blocks or ()),
    )


DOCUMENT = _shape(DOCUMENT_LEAVES)
OWNER = _shape(OWNER_LEAVES)
SIGNATURE = _shape(SIGNATURE_LEAVES)
_ROW_LEAVES = {"transactions": TRANSACTION_LEAVES, "holdings": HOLDING_LEAVES}
ROW_SHAPES = {
    tuple(path.split("/")): (table, kind, _shape(_ROW_LEAVES[table], BLOCK_FOOTNOTES))
    for path, (table, kind) in ROW_KINDS.items()
}


LEAF, GROUP, BLOCK = 0, 1, 2  # node kinds of a column layout
VALUE_KINDS = {"decimal": 1, "bool": 2, "date": 3, "cik": 4}  # a leaf's converter, as a column layout names it


def column_layout(shape: _Shape, columns: Sequence[str]) -> tuple:
    """`shape` for a reader that writes each row as a list in the order of `columns` (the compiled parser).

    (tree, value columns, wrapped leaves, values-given-by-footnote column or -1, block columns), where tree maps a
    tag to (LEAF, column, footnote-ids column or -1, converter or None, kind, column name), (GROUP, subtree)
    or (BLOCK, column); wrapped leaves are (value column, footnote-ids column, value column name).
    """
    index = {column: position for position, column in enumerate(columns)}

    def tree(level: dict[str, Any]) -> dict[str, tuple]:
        nodes: dict[str, tuple] = {}
        for name, node in level.items():
            tag = sys.intern(name)  # the compiled parser's tags are interned: a lookup compares addresses
            if isinstance(node, _LeafSpec):
                ids = index[node.ids_column] if node.ids_column else -1
                kind = next((code for name, code in VALUE_KINDS.items() if node.converter is CONVERTERS[name]), 0)
                nodes[tag] = (LEAF, index[node.column], ids, node.converter, kind, node.column)
            elif isinstance(node, dict):
                nodes[tag] = (GROUP, tree(node))
            else:
                nodes[tag] = (BLOCK, index[node.column])
        return nodes

    return (
        tree(shape.tree),
        tuple(index[column] for column in shape.columns),
        tuple((index[column], index[ids], column) for column, ids in shape.wrapped),
        index["values_given_by_footnote"] if shape.wrapped else -1,
        tuple(index[column] for column in shape.blocks),
    )


class _Reader:
    """One document's walk: typed values into rows, untypable values and unknown elements kept aside.

    This loop runs for every element of every filing, so it trades a little elegance for speed: one call per
    grouping element (not per leaf), and element paths are only built for elements that end up in
    `unknown_elements`.
    """

    def __init__(self) -> None:
        self.unparsed: list[dict[str, str]] = []
        self.unknown: list[tuple[str, etree._Element]] = []  # (parent path, element)

    def record(self, element: etree._Element, shape: _Shape, path: str, row: dict[str, Any]) -> dict[str, Any]:
        """Fill `row` from the children of `element` (at `path`), then default every column left absent."""
        self.fill(element, shape.tree, path, row)
        return self.complete(row, shape)

    def complete(self, row: dict[str, Any], shape: _Shape) -> dict[str, Any]:
        for column in shape.columns:
            if column not in row:
                row[column] = None
        if shape.wrapped:
            given_by_footnote = []
            for column, ids_column in shape.wrapped:
                if ids_column not in row:
                    row[ids_column] = []
                elif row[column] is None and row[ids_column]:
                    given_by_footnote.append(column)
            row["values_given_by_footnote"] = given_by_footnote
        for column in shape.blocks:
            if column not in row:
                row[column] = []
        return row

    def fill(self, children: Iterable[etree._Element], tree: dict[str, Any], path: str, row: dict[str, Any]) -> None:
        """Read `children` (of the element at `path`) into `row` by `tree`, descending into grouping elements."""
        for child in children:
            tag = child.tag
            if type(tag) is not str:  # a comment or processing instruction
                continue
            node = tree.get(tag)
            kind = type(node)
            if kind is _LeafSpec:
                column = node.column
                if column in row:  # a repeat of a single-valued element
                    self.unknown.append((path, child))
                    continue
                ids_column = node.ids_column
                if ids_column is None:
                    text = child.text
                    if len(child):
                        self.keep_children(child, f"{path}/{tag}")
                else:
                    text = None
                    has_value = False
                    footnote_ids = []
                    for part in child:
                        part_tag = part.tag
                        if part_tag == "value" and not has_value:
                            has_value = True
                            text = part.text
                        elif part_tag == "footnoteId":
                            footnote_ids.append((part.get("id") or "").strip())
                        elif type(part_tag) is not str:
                            continue
                        else:
                            self.unknown.append((f"{path}/{tag}", part))
                            continue
                        if len(part):
                            self.keep_children(part, f"{path}/{tag}/{part_tag}")
                    row[ids_column] = footnote_ids
                if text is not None:  # `typed`, inlined: this line runs for every leaf of every filing
                    text = text.strip()
                    converter = node.converter
                    if not text:
                        text = None
                    elif converter is not None:
                        try:
                            text = converter(text)
                        except (ValueError, InvalidOperation):
                            self.unparsed.append({"field": column, "raw": text})
                            text = None
                row[column] = text
            elif kind is dict:
                self.fill(child, node, f"{path}/{tag}", row)
            elif node is None:
                self.unknown.append((path, child))
            else:
                row.setdefault(node.column, []).append((child.get("id") or "").strip())
                if len(child):
                    self.keep_children(child, f"{path}/{tag}")

    def keep_children(self, element: etree._Element, path: str) -> None:
        """Children of an element the specification gives none: kept whole (their text included)."""
        for child in element.iterchildren(etree.Element):
            self.unknown.append((path, child))

    def unknown_elements(self) -> list[dict[str, Any]]:
        return [
            {"path": f"{parent}/{element.tag}", "text": etree.tostring(element, encoding="unicode")}
            for parent, element in self.unknown
        ]


def _strip_namespaces(root: etree._Element) -> None:
    for element in root.iter(etree.Element):
        if element.tag.startswith("{"):
            element.tag = etree.QName(element).localname


_PARSERS = threading.local()


def _parser() -> etree.XMLParser:
    """This thread's parser: made once, since making one costs a sixth of parsing a document, and per thread,
    since an lxml parser must not be shared between threads."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=True
        )
        _PARSERS.parser = parser
    return parser


def parse_tree(xml: bytes) -> etree._Element:
    """The document's root with namespaces stripped, after the size and DTD guards; raises OwnershipXmlError."""
    root = guarded_root(xml, _parser(), MAX_XML_BYTES, OwnershipXmlError)
    if b"xmlns" in xml:  # no namespace can be in use without a declaration
        _strip_namespaces(root)
    if root.tag != ROOT:
        raise OwnershipXmlError("not_ownership_document", f"root element is <{root.tag}>")
    return root


def parse_ownership_xml(xml: bytes) -> OwnershipRecord:
    """Parse one ownershipDocument; raises OwnershipXmlError with a reason code on bad input."""
    root = parse_tree(xml)
    reader = _Reader()
    document: dict[str, Any] = {}
    owners: list[dict[str, Any]] = []
    rows: dict[str, list[dict[str, Any]]] = {"transactions": [], "holdings": []}
    line_numbers = dict.fromkeys(ROW_SHAPES, 0)
    footnotes: list[dict[str, Any]] = []
    signatures: list[dict[str, Any]] = []
    for child in root.iterchildren(etree.Element):
        tag = child.tag
        path = f"{ROOT}/{tag}"
        if tag == "reportingOwner":
            owners.append(reader.record(child, OWNER, path, {"owner_position": len(owners) + 1}))
        elif tag == "ownerSignature":
            signatures.append(reader.record(child, SIGNATURE, path, {"line_number": len(signatures) + 1}))
        elif tag in ("nonDerivativeTable", "derivativeTable"):
            for element in child.iterchildren(etree.Element):
                key = (tag, element.tag)
                if key not in ROW_SHAPES:
                    reader.unknown.append((path, element))
                    continue
                table, kind, shape = ROW_SHAPES[key]
                line_numbers[key] += 1
                row = {"table_kind": kind, "line_number": line_numbers[key]}
                rows[table].append(reader.record(element, shape, f"{path}/{element.tag}", row))
        elif tag == "footnotes":
            for note in child.iterchildren(etree.Element):
                if note.tag != "footnote":
                    reader.unknown.append((path, note))
                    continue
                text = "".join(note.itertext()).strip()
                footnotes.append({"footnote_id": (note.get("id") or "").strip(), "footnote_text": text})
                reader.keep_children(note, f"{path}/footnote")
        else:
            reader.fill((child,), DOCUMENT.tree, ROOT, document)
    reader.complete(document, DOCUMENT)
    document["unparsed_values"] = reader.unparsed
    return OwnershipRecord(
        document=document,
        owners=owners,
        transactions=rows["transactions"],
        holdings=rows["holdings"],
        footnotes=footnotes,
        signatures=signatures,
        unknown_elements=reader.unknown_elements(),
    )
