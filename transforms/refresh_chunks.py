"""A long backlog cut into chunks of whole issuers, so that memory follows the chunk and not the backlog (twenty
years of Form 345 data sets refreshed at once held 10.4 GB; their SQL models built at once ran out of a 2 GB limit).

An issuer's owner groups, vehicles, positions and SQL model rows depend on that issuer's filings only, so working
through issuers a few hundred at a time gives the same warehouse as one pass over them all.
"""

from collections.abc import Iterable

# Filings per chunk: a refresh's memory follows its chunk (a whole quarter of the data sets in one ran past the
# history load's limit: docs/performance.md); a night is far below.
REFRESH_CHUNK_FILINGS = 250_000


def issuer_chunks(
    weights: Iterable[tuple[int | None, int]], size: int = REFRESH_CHUNK_FILINGS
) -> list[list[int | None]]:
    """The issuers of `weights` (issuer CIK or None, its filings) in chunks of about `size` filings, in CIK order
    (None last); an issuer larger than `size` is a chunk of its own. One empty chunk when there are none."""
    chunks: list[list[int | None]] = []
    current: list[int | None] = []
    filings = 0
    for issuer, count in sorted(weights, key=lambda pair: (pair[0] is None, pair[0] or 0)):
        if current and filings + count > size:
            chunks.append(current)
            current, filings = [], 0
        current.append(issuer)
        filings += count
    if current or not chunks:
        chunks.append(current)
    return chunks


def refresh_chunks(pending: Iterable[tuple[str, int | None]], size: int = REFRESH_CHUNK_FILINGS) -> list[list[str]]:
    """The accessions of `pending` (accession, issuer CIK or None when unknown) in chunks of about `size`, each
    holding every accession of its issuers; one empty chunk when nothing is pending (the refresh still runs)."""
    by_issuer: dict[int | None, set[str]] = {}
    for accession, issuer in pending:
        by_issuer.setdefault(issuer, set()).add(accession)
    chunks = issuer_chunks(((issuer, len(accessions)) for issuer, accessions in by_issuer.items()), size)
    return [sorted(accession for issuer in chunk for accession in by_issuer.get(issuer, ())) for chunk in chunks]
