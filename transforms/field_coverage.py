"""Which element paths a set of ownershipDocuments uses, and where each lands in the warehouse.

The map is built from the same leaf declarations the parser reads, so it cannot drift from the parser.
A path with no destination goes to `unknown_elements` verbatim: the report names it so it can be mapped.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from transforms.ownership_fields import element_destinations
from transforms.ownership_xml import OwnershipXmlError, parse_tree


@dataclass(frozen=True)
class CoverageRow:
    path: str
    occurrences: int
    documents: int
    destination: str | None  # "table.column", "(container)", or None when unmapped


def element_paths(xml: bytes) -> Counter[str]:
    """How often each element path occurs in one document (namespaces stripped, like the parser)."""
    root = parse_tree(xml)
    paths: Counter[str] = Counter()
    for element in root.iter(etree.Element):
        ancestors = [ancestor.tag for ancestor in reversed(list(element.iterancestors()))]
        paths["/".join([*ancestors, element.tag])] += 1
    return paths


@dataclass(frozen=True)
class CoverageReport:
    rows: list[CoverageRow]
    unreadable: Counter[str]  # reason → documents that could not be read at all


def coverage(documents: Iterable[bytes]) -> CoverageReport:
    """One row per element path seen in `documents`, sorted by path, and the documents that did not parse."""
    occurrences: Counter[str] = Counter()
    in_documents: Counter[str] = Counter()
    unreadable: Counter[str] = Counter()
    for xml in documents:
        try:
            paths = element_paths(xml)
        except OwnershipXmlError as error:
            unreadable[error.reason] += 1
            continue
        occurrences.update(paths)
        in_documents.update(paths.keys())
    mapping = element_destinations()
    rows = [CoverageRow(path, occurrences[path], in_documents[path], mapping.get(path)) for path in sorted(occurrences)]
    return CoverageReport(rows, unreadable)
