"""The SGML envelope EDGAR puts around an ownershipDocument: what a mirror's `.txt` submission holds. The generated
mirrors of the benchmarks and the fixtures of the tests build theirs here, so both look like EDGAR's the same way."""

from collections.abc import Sequence
from datetime import datetime


def party_block(role: str, data: str, cik: int, name: str) -> list[str]:
    """One filer block of the header (`REPORTING-OWNER:` / `OWNER DATA:`, `ISSUER:` / `COMPANY DATA:`)."""
    return [
        f"{role}:",
        "",
        f"\t{data}:",
        f"\t\tCOMPANY CONFORMED NAME:\t\t\t{name}",
        f"\t\tCENTRAL INDEX KEY:\t\t\t{cik:010d}",
        "",
    ]


def submission(
    xml: bytes,
    accession: str = "0009999999-24-000001",
    form: str = "4",
    accepted: datetime = datetime(2024, 3, 1, 16, 5, 9),
    line_end: bytes = b"\n",
    parties: Sequence[str] = (),
    filename: str = "primary_doc.xml",
    xml_declaration: bool = False,
    strip: bool = True,
) -> bytes:
    """A `.txt` submission holding `xml` as its primary document; `parties` are header lines (party_block) after
    the filing's own, `xml_declaration` puts `<?xml version="1.0"?>` before the document, `strip` trims the
    document's surrounding white space."""
    header = [
        f"<SEC-DOCUMENT>{accession}.txt : {accepted:%Y%m%d}",
        f"<SEC-HEADER>{accession}.hdr.sgml : {accepted:%Y%m%d}",
        f"<ACCEPTANCE-DATETIME>{accepted:%Y%m%d%H%M%S}",
        f"ACCESSION NUMBER:\t\t{accession}",
        f"CONFORMED SUBMISSION TYPE:\t{form}",
        "PUBLIC DOCUMENT COUNT:\t\t1",
        f"FILED AS OF DATE:\t\t{accepted:%Y%m%d}",
        "",
        *parties,
        "</SEC-HEADER>",
        "<DOCUMENT>",
        f"<TYPE>{form}",
        "<SEQUENCE>1",
        f"<FILENAME>{filename}",
        "<TEXT>",
        "<XML>",
        *(['<?xml version="1.0"?>'] if xml_declaration else []),
    ]
    tail = ["</XML>", "</TEXT>", "</DOCUMENT>", "</SEC-DOCUMENT>", ""]
    head = line_end.join(line.encode("latin-1") for line in header) + line_end
    return head + (xml.strip() if strip else xml) + line_end + line_end.join(line.encode() for line in tail)
