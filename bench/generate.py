"""Generate a realistic EDGAR mirror at any scale: schema-valid ownership filings and their daily master indexes.

    .venv/bin/python -m bench.generate --filings 50000 --out /tmp/mirror

Shapes are mutated from the project's hand-written filings (fixtures/mirror): several owners, Table II rows,
footnote-only values, amendments naming their original by date. Issuers, owners, dates and amounts vary with a
seeded generator, so a run is repeatable.
"""

import argparse
import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from mirror.envelope import party_block
from mirror.envelope import submission as envelope
from transforms.edgar_calendar import is_business_day
from transforms.edgar_urls import daily_index_path

FIXTURE_DATA = Path(__file__).resolve().parent.parent / "fixtures" / "mirror" / "Archives" / "edgar" / "data"
_VALUE = re.compile(rb"<value>([0-9]+(?:\.[0-9]+)?)</value>")
_DATE = re.compile(rb"<value>(\d{4}-\d{2}-\d{2})</value>")


@dataclass(frozen=True)
class Template:
    form: str
    xml: bytes  # the ownershipDocument, owner blocks and all


def templates() -> list[Template]:
    """The well-formed fixture filings, each as an XML shape to mutate."""
    shapes = []
    for path in sorted(FIXTURE_DATA.glob("*/*.txt")):
        raw = path.read_bytes()
        start, end = raw.find(b"<ownershipDocument>"), raw.find(b"</ownershipDocument>")
        if start < 0 or end < 0 or b"<<damaged" in raw or b"Common Sto\n" in raw:
            continue
        form = re.search(rb"CONFORMED SUBMISSION TYPE:\s*(\S+)", raw).group(1).decode()
        shapes.append(Template(form, raw[start : end + len(b"</ownershipDocument>")]))
    return [shape for shape in shapes if shape.xml.count(b"<") == shape.xml.count(b">")]


def business_days(first: date, count: int) -> list[date]:
    days, day = [], first
    while len(days) < count:
        if is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def mutate(template: Template, rng: random.Random, issuer: int, owners: list[int], day: date) -> bytes:
    """The template with new issuer, owners, dates and amounts; structure untouched."""
    xml = re.sub(rb"<issuerCik>\d+</issuerCik>", b"<issuerCik>%010d</issuerCik>" % issuer, template.xml)
    owner_ciks = iter(owners * 10)
    xml = re.sub(
        rb"<rptOwnerCik>\d+</rptOwnerCik>", lambda _: b"<rptOwnerCik>%010d</rptOwnerCik>" % next(owner_ciks), xml
    )
    xml = _DATE.sub(
        lambda m: b"<value>%s</value>" % (day - timedelta(days=rng.randint(0, 3))).isoformat().encode(), xml
    )

    def amount(match: re.Match) -> bytes:
        number = float(match.group(1))
        scaled = number * rng.uniform(0.5, 1.5)
        return b"<value>%s</value>" % (f"{scaled:.4f}" if "." in match.group(1).decode() else str(int(scaled))).encode()

    xml = _VALUE.sub(amount, xml)
    return re.sub(
        rb"<periodOfReport>[^<]*</periodOfReport>",
        b"<periodOfReport>%s</periodOfReport>" % day.isoformat().encode(),
        xml,
    )


def submission(accession: str, form: str, accepted: datetime, owners: list[int], issuer: int, xml: bytes) -> bytes:
    """A generated filing's submission: its owners and its issuer in the header."""
    parties = [line for cik in owners for line in party_block("REPORTING-OWNER", "OWNER DATA", cik, f"OWNER {cik}")]
    parties += party_block("ISSUER", "COMPANY DATA", issuer, f"ISSUER {issuer}")
    return envelope(
        xml, accession, form, accepted, parties=parties, filename="form.xml", xml_declaration=True, strip=False
    )


def issuer_ciks(filings: int) -> list[int]:
    """The companies `generate` files for: one per 40 filings, at least ten."""
    return [8_000_000 + n for n in range(max(10, filings // 40))]


def generate(out: Path, filings: int, first_day: date = date(2024, 1, 2), days: int = 60, seed: int = 1) -> list[date]:
    """Write `filings` submissions spread over `days` business days, and one master index per day."""
    rng = random.Random(seed)
    shapes = templates()
    calendar = business_days(first_day, days)
    listing: dict[date, list[str]] = {day: [] for day in calendar}
    issuers = issuer_ciks(filings)
    for number in range(1, filings + 1):
        day = calendar[(number - 1) * len(calendar) // filings]
        shape = rng.choice(shapes)
        issuer = rng.choice(issuers)
        owner_count = shape.xml.count(b"<reportingOwner>")
        # Distinct insiders of this issuer's ten: a filing names each reporting owner once (the owner key).
        owners = [7_000_000 + (issuer % 1000) * 10 + n for n in rng.sample(range(10), min(owner_count, 10))]
        owners = owners or [7_000_000]
        xml = mutate(shape, rng, issuer, owners, day)
        if shape.form.endswith("/A"):
            xml = re.sub(
                rb"<dateOfOriginalSubmission>[^<]*<",
                b"<dateOfOriginalSubmission>%s<" % (day - timedelta(days=3)).isoformat().encode(),
                xml,
            )
        accession = f"0007777777-{day:%y}-{number:06d}"
        accepted = datetime.combine(day, datetime.min.time()) + timedelta(hours=9, seconds=rng.randint(0, 8 * 3600))
        target = out / "Archives" / "edgar" / "data" / str(issuer) / f"{accession}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(submission(accession, shape.form, accepted, owners, issuer, xml))
        listing[day].append(f"{issuer}|ISSUER {issuer}|{shape.form}|{day:%Y%m%d}|edgar/data/{issuer}/{accession}.txt")
    for day, lines in listing.items():
        write_daily_index(out, day, lines)
    return calendar


def write_daily_index(out: Path, day: date, lines: list[str]) -> None:
    """The mirror's master index of `day`, listing `lines` (none: a day EDGAR accepted nothing)."""
    index = out / daily_index_path("master", day)
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text("\n".join(["CIK|Company Name|Form Type|Date Filed|Filename", "-" * 80, *lines]) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filings", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=60, help="business days to spread them over (a quarter ≈ 62)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    calendar = generate(arguments.out, arguments.filings, days=arguments.days, seed=arguments.seed)
    print(f"{arguments.filings} filings over {calendar[0]} … {calendar[-1]} in {arguments.out}")


if __name__ == "__main__":
    main()
