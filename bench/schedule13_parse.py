"""Schedule 13D/G parse speed: the real documents of fixtures/edgar-real/schedule13 (the malformed one left out),
read again and again, through `parse_schedule13` against lxml's bare parse of the same bytes, in alternating
batches so both see the machine in the same state. `python -m bench.schedule13_parse` alone, or in `make bench`."""

import argparse
import time
from pathlib import Path

from lxml import etree

from bench.measure import print_results, report
from transforms.schedule13 import parse_schedule13

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "edgar-real" / "schedule13"
BATCH = 100


def real_documents() -> list[bytes]:
    paths = [*REAL.glob("13g-2026-01/*/primary_doc.xml"), *REAL.glob("other/*.xml")]
    return [path.read_bytes() for path in sorted(paths) if "malformed" not in path.name]


def bench_schedule13_parse(documents: int = 20_000) -> None:
    """`documents` parses of the real documents, one process."""
    real = real_documents()
    corpus = [real[number % len(real)] for number in range(documents)]
    bare = [document.lstrip() for document in corpus]  # lxml refuses the blank line EDGAR lets through
    for document in real:
        parse_schedule13(document)  # one-time set-up, unmeasured
    ours_seconds = floor_seconds = 0.0
    for start in range(0, documents, BATCH):
        started = time.perf_counter()
        for document in bare[start : start + BATCH]:
            etree.fromstring(document)
        floor_seconds += time.perf_counter() - started
        started = time.perf_counter()
        for document in corpus[start : start + BATCH]:
            parse_schedule13(document)
        ours_seconds += time.perf_counter() - started
    report(
        f"13D/G parse: primary_doc.xml → cover page and persons, one process ({len(real)} real documents)",
        documents / ours_seconds,
        "documents/s",
        documents / floor_seconds,
        "lxml.etree.fromstring alone",
        "≥ 2,000 documents/s/core and ≥ 0.3x raw",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=20_000)
    bench_schedule13_parse(parser.parse_args().documents)
    print_results()


if __name__ == "__main__":
    main()
