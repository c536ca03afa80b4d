"""A backlog cut into chunks of whole issuers: no issuer split across chunks, none larger than needed."""

from transforms.refresh_chunks import issuer_chunks, refresh_chunks


def test_chunks_hold_whole_issuers_and_every_accession_once():
    pending = [(f"a{n:03d}", n % 7) for n in range(100)] + [("x1", None), ("a001", 1)]
    chunks = refresh_chunks(pending, 30)
    flat = [accession for chunk in chunks for accession in chunk]
    assert sorted(flat) == sorted({accession for accession, _ in pending})  # each once, none lost
    issuer_of = dict(pending)
    for issuer in {issuer for _, issuer in pending}:
        holding = [n for n, chunk in enumerate(chunks) if any(issuer_of[a] == issuer for a in chunk)]
        assert len(holding) == 1, issuer
    assert all(len(chunk) <= 30 for chunk in chunks)  # issuers of 14 or 15 filings: two per chunk
    assert len(chunks) == 4


def test_an_issuer_larger_than_a_chunk_is_one_chunk_and_nothing_pending_is_one_empty_chunk():
    assert refresh_chunks([(f"a{n}", 1) for n in range(50)], 10) == [sorted(f"a{n}" for n in range(50))]
    assert refresh_chunks([], 10) == [[]]


def test_issuers_are_packed_by_their_filings_in_cik_order():
    weights = [(30, 4), (10, 6), (None, 1), (20, 5), (40, 0), (50, 12)]
    chunks = issuer_chunks(weights, 10)
    # 10 (6) + 20 (5) would be 11: 10 alone; 20 + 30 = 9, + 40 (0) = 9; 50 (12) alone; None last
    assert chunks == [[10], [20, 30, 40], [50], [None]]
    assert issuer_chunks([], 10) == [[]]
