"""One issuer's five-percent holders on a date, on a warehouse holding two years of generated Schedule 13D/G
filings (bench/schedule13_generate.py), loaded through the pipeline's own parse and load: the time of
`five_percent_holders_as_of(day, issuer := …)` against reading the same issuer's filings alone, in the same run.

    .venv/bin/python -m bench.schedule13_holders --filings 160000
"""

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from bench.measure import print_results, report
from bench.schedule13_generate import chains, enveloped
from orchestration.warehouse_connection import connect, ensure_schema
from orchestration.warehouse_load import load_filings
from transforms.document_kinds import normalize_kinds

BATCH = 2_000
ASKED = 50


def build(path: Path, filings: int) -> list[int]:
    """The warehouse of `filings` generated statements at `path`; returns the issuers it holds."""
    connection = connect(path)
    ensure_schema(connection)
    statements = chains(filings, seed=1)
    for start in range(0, len(statements), BATCH):
        batch = [(s.accession, enveloped(s)) for s in statements[start : start + BATCH]]
        frames, _ = normalize_kinds(batch)
        load_filings(connection, [accession for accession, _ in batch], frames, [], [], datetime(2026, 12, 1))
    connection.close()
    return sorted({statement.issuer for statement in statements})


def timed(connection, sql: str, asked: list[tuple[int, date]]) -> float:
    """The median seconds of `sql` over the asked issuers and days (each run once to warm up first)."""
    for issuer, day in asked[:5]:
        connection.execute(sql, {"issuer": issuer, "day": day}).fetchall()
    times = []
    for issuer, day in asked:
        started = time.perf_counter()
        connection.execute(sql, {"issuer": issuer, "day": day}).fetchall()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_schedule13_holders(filings: int, work: Path) -> None:
    issuers = build(work / "schedule13.duckdb", filings)
    rng = random.Random(2)
    asked = [(rng.choice(issuers), date(2025, 1, 1).replace(month=rng.randrange(1, 13))) for _ in range(ASKED)]
    connection = connect(work / "schedule13.duckdb", read_only=True)
    ours = timed(connection, "from five_percent_holders_as_of($day, issuer := $issuer)", asked)
    floor = timed(connection, "from schedule13_filings where issuer_cik = $issuer and filing_date <= $day", asked)
    connection.close()
    report(
        f"13D/G holders of one issuer on a date ({filings:,} filings over two years), median of {ASKED}",
        ours * 1000,
        "ms",
        floor * 1000,
        "the issuer's filings alone",
        "≤ 50 ms",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filings", type=int, default=160_000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        bench_schedule13_holders(arguments.filings, Path(work))
    print_results()


if __name__ == "__main__":
    main()
