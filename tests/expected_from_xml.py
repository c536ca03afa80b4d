"""Expected warehouse contents derived independently of the parser: lxml XPath counts over the raw files."""

from dataclasses import dataclass
from pathlib import Path

from lxml import etree


@dataclass(frozen=True)
class Expected:
    accession_number: str
    owners: int
    transactions: int
    holdings: int
    footnotes: int


def expected_from_submission(path: Path) -> Expected | None:
    """Counts for a submission whose <XML> block is a well-formed ownershipDocument; None otherwise."""
    text = path.read_bytes()
    start, end = text.find(b"<XML>"), text.find(b"</XML>")
    if start < 0 or end < 0:
        return None
    try:
        root = etree.fromstring(text[start + 5 : end].strip(), etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError:
        return None
    if etree.QName(root).localname != "ownershipDocument":
        return None

    def count(name: str) -> int:
        return int(root.xpath(f"count(//*[local-name()='{name}'])"))

    accession = path.stem
    return Expected(
        accession_number=accession,
        owners=count("reportingOwner"),
        transactions=count("nonDerivativeTransaction") + count("derivativeTransaction"),
        holdings=count("nonDerivativeHolding") + count("derivativeHolding"),
        footnotes=count("footnote"),
    )
