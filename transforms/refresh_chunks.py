"""A long backlog of filings to refresh, cut into chunks of whole issuers, so that memory follows the chunk and not
the backlog (twenty years of Form 345 data sets refreshed at once held 10.4 GB).

An issuer's owner groups, vehicles and positions depend on that issuer's filings only, so refreshing issuers a few
hundred at a time, each chunk in its own transaction, gives the same model as one refresh of them all.
"""

from collections.abc import Iterable

# Filings per chunk: 560,000 in one refresh peaked at 3.6 GB with the warehouse's buffers; a night is far below.
REFRESH_CHUNK_FILINGS = 250_000


def refresh_chunks(pending: Iterable[tuple[str, int | None]], size: int = REFRESH_CHUNK_FILINGS) -> list[list[str]]:
    """The accessions of `pending` (accession, issuer CIK or None when unknown) in chunks of about `size`, each
    holding every accession of its issuers; one empty chunk when nothing is pending (the refresh still runs)."""
    by_issuer: dict[int | None, set[str]] = {}
    for accession, issuer in pending:
        by_issuer.setdefault(issuer, set()).add(accession)
    chunks: list[list[str]] = []
    current: list[str] = []
    for issuer in sorted(by_issuer, key=lambda cik: (cik is None, cik or 0)):
        accessions = sorted(by_issuer[issuer])
        if current and len(current) + len(accessions) > size:
            chunks.append(current)
            current = []
        current.extend(accessions)
    if current or not chunks:
        chunks.append(current)
    return chunks
