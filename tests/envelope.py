"""Wrap a bare ownershipDocument in the SGML envelope EDGAR puts around it, for tests of whole submissions."""

from datetime import datetime


def submission(
    xml: bytes,
    accession: str = "0009999999-24-000001",
    form: str = "4",
    accepted: datetime = datetime(2024, 3, 1, 16, 5, 9),
    line_end: bytes = b"\n",
) -> bytes:
    """A `.txt` submission holding `xml` as its primary document."""
    header = [
        f"<SEC-DOCUMENT>{accession}.txt : {accepted:%Y%m%d}",
        f"<SEC-HEADER>{accession}.hdr.sgml : {accepted:%Y%m%d}",
        f"<ACCEPTANCE-DATETIME>{accepted:%Y%m%d%H%M%S}",
        f"ACCESSION NUMBER:\t\t{accession}",
        f"CONFORMED SUBMISSION TYPE:\t{form}",
        "PUBLIC DOCUMENT COUNT:\t\t1",
        f"FILED AS OF DATE:\t\t{accepted:%Y%m%d}",
        "",
        "</SEC-HEADER>",
        "<DOCUMENT>",
        f"<TYPE>{form}",
        "<SEQUENCE>1",
        "<FILENAME>primary_doc.xml",
        "<TEXT>",
        "<XML>",
    ]
    tail = ["</XML>", "</TEXT>", "</DOCUMENT>", "</SEC-DOCUMENT>", ""]
    head = line_end.join(line.encode("latin-1") for line in header) + line_end
    return head + xml.strip() + line_end + line_end.join(line.encode() for line in tail)
