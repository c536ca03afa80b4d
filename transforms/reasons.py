"""Inputs refused for a stated reason: what the pipeline records of a filing it cannot read (ingest_failures)."""

from lxml import etree


class ReasonedError(ValueError):
    """An input refused for a reason: `reason` a stable code, `detail` the words for a person."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def guarded_root(
    xml: bytes, parser: etree.XMLParser, max_bytes: int, error: type[ReasonedError], blank_first: bool = False
) -> etree._Element:
    """The root of a document EDGAR's forms define, refused as `error` when larger than `max_bytes`, declaring a
    DTD or entities (none of the forms has one: refusing it stops entity expansion and external entities), or not
    well-formed. With `blank_first`, blank lines (and a byte-order mark) before `<?xml` are passed over, as EDGAR
    accepts them."""
    if len(xml) > max_bytes:
        raise error("xml_too_large", f"{len(xml):,} bytes exceeds the {max_bytes:,}-byte cap")
    if b"<!" in xml and (b"<!DOCTYPE" in xml or b"<!ENTITY" in xml):
        raise error("xml_dtd_forbidden", "the document declares a DTD or entities")
    if blank_first:
        xml = xml.lstrip(b"\xef\xbb\xbf \t\r\n")
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as syntax:
        raise error("xml_malformed", str(syntax)) from None
    if root is None:
        raise error("xml_malformed", "no root element")
    return root
