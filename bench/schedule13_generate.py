"""A generated history of Schedule 13D/G filings: holder chains on many issuers over two years, each an initial
13G (or 13D) then amendments after each quarter, some growing past 10%, some turning from 13G to 13D, some exiting.
Every filing is a real document (fixtures/edgar-real/schedule13: a 13G of one person, a 13D of five) with its
issuer, figures, event date and form replaced, in the SGML envelope EDGAR serves, listed in the days' master
indexes: what the nightly reads, at any scale.

    .venv/bin/python -m bench.schedule13_generate --out /tmp/s13 --filings 20000
"""

import argparse
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from bench.generate import write_daily_index
from mirror.envelope import party_block, submission

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "edgar-real" / "schedule13"
G13 = (REAL / "13g-2026-01" / "0000009631-26-000003" / "primary_doc.xml").read_bytes()
D13 = (REAL / "other" / "sc13d-qxo_0001140361-25-017533.xml").read_bytes()
_ITEM5 = re.compile(rb"<item5>.*?</item5>", re.S)
FIRST_DAY = date(2024, 11, 1)
DAYS = 730


@dataclass(frozen=True)
class Statement:
    accession: str
    form: str
    issuer: int
    holder: int
    event: date
    filed: date
    shares: int
    percent: str
    exit: bool


def document(statement: Statement) -> bytes:
    """The real 13G (or 13D) with this statement's issuer, holder-independent figures, event date and form."""
    issuer = f"{statement.issuer:010d}".encode()
    event = statement.event.strftime("%m/%d/%Y").encode()
    if statement.form.startswith("SCHEDULE 13D"):
        xml = D13.replace(b"<issuerCIK>0001236275<", b"<issuerCIK>" + issuer + b"<")
        xml = xml.replace(b"<dateOfEvent>04/29/2025<", b"<dateOfEvent>" + event + b"<")
        xml = xml.replace(b">32671542<", f">{statement.shares}<".encode())
        xml = xml.replace(b"<percentOfClass>6.3<", f"<percentOfClass>{statement.percent}<".encode())
        return xml.replace(b"<submissionType>SCHEDULE 13D<", f"<submissionType>{statement.form}<".encode())
    xml = G13.replace(b"<issuerCik>0001083301<", b"<issuerCik>" + issuer + b"<")
    xml = xml.replace(b"12/31/2025", event).replace(b">27383209<", f">{statement.shares}<".encode())
    xml = xml.replace(b"<classPercent>6.20<", f"<classPercent>{statement.percent}<".encode())
    if statement.exit:
        xml = _ITEM5.sub(b"<item5><classOwnership5PercentOrLess>Y</classOwnership5PercentOrLess></item5>", xml)
    return xml.replace(b"<submissionType>SCHEDULE 13G<", f"<submissionType>{statement.form}<".encode())


def chains(filings: int, seed: int) -> list[Statement]:
    """About `filings` statements: chains of one holder on one issuer, amended about once a quarter, until an exit
    (one amendment in twelve) or the two years end."""
    rng = random.Random(seed)
    statements: list[Statement] = []
    last_day = FIRST_DAY + timedelta(days=DAYS - 50)
    while len(statements) < filings:
        issuer = 3_000_000 + rng.randrange(max(1, filings // 20))
        holder = 4_000_000 + rng.randrange(max(1, filings // 10))
        event = FIRST_DAY + timedelta(days=rng.randrange(DAYS - 120))
        shares, percent = rng.randrange(2_000_000, 20_000_000), rng.uniform(5.1, 9.5)
        schedule = "SCHEDULE 13D" if rng.random() < 0.2 else "SCHEDULE 13G"
        amendment = False
        while event < last_day and len(statements) < filings:
            exit = amendment and rng.random() < 1 / 12
            filed = event + timedelta(days=rng.randrange(2, 45))
            while filed.weekday() >= 5:
                filed += timedelta(days=1)
            statements.append(
                Statement(
                    f"{holder:010d}-{filed:%y}-{len(statements) + 1:06d}",
                    schedule + ("/A" if amendment else ""),
                    issuer,
                    holder,
                    event,
                    filed,
                    0 if exit else shares,
                    "0.0" if exit else f"{percent:.2f}",
                    exit,
                )
            )
            if exit:
                break
            amendment = True
            shares = max(1, int(shares * rng.uniform(0.8, 1.4)))
            percent = min(60.0, percent * rng.uniform(0.85, 1.35))
            if schedule == "SCHEDULE 13G" and rng.random() < 0.05:
                schedule, amendment = "SCHEDULE 13D", False  # a passive holder turns active: a new 13D
            event += timedelta(days=rng.randrange(80, 100))
    return statements


def enveloped(statement: Statement) -> bytes:
    """The statement as EDGAR serves it: its document in the SGML envelope naming its subject and filer."""
    accepted = datetime.combine(statement.filed, datetime.min.time()).replace(hour=16)
    parties = [
        *party_block("SUBJECT COMPANY", "COMPANY DATA", statement.issuer, f"ISSUER {statement.issuer}"),
        *party_block("FILED BY", "COMPANY DATA", statement.holder, f"HOLDER {statement.holder}"),
    ]
    return submission(document(statement), statement.accession, statement.form, accepted, parties=parties)


def generate(out: Path, filings: int, seed: int = 1) -> tuple[date, date, list[Statement]]:
    """The mirror of `filings` generated statements under `out`; returns its first and last day and them."""
    statements = chains(filings, seed)
    listing: dict[date, list[str]] = defaultdict(list)
    for statement in statements:
        raw = enveloped(statement)
        target = out / "Archives" / "edgar" / "data" / str(statement.holder) / f"{statement.accession}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
        listing[statement.filed].append(
            f"{statement.holder}|HOLDER {statement.holder}|{statement.form}|{statement.filed:%Y%m%d}|"
            f"edgar/data/{statement.holder}/{statement.accession}.txt"
        )
    first, last = min(listing), max(listing)
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        if day.weekday() < 5:
            write_daily_index(out, day, listing.get(day, []))
    return first, last, statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--filings", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    first, last, statements = generate(arguments.out, arguments.filings, arguments.seed)
    print(f"{len(statements)} Schedule 13D/G filings over {first} … {last} in {arguments.out}")


if __name__ == "__main__":
    main()
