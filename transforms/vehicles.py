"""Vehicles: what one line's "owned following" figure measures, found across an owner group's filings.

A founder's Form 4 lists eight lines "Class A Common Stock / I / See Footnote", each footnote naming a different
fund: eight vehicles with the same words. Keyed by title, D/I and nature they were one position, and the last line
of the day won. Here every current line of an issuer's owner group is assigned to a vehicle, filing by filing in
acceptance order, and each assignment is a decision with its rule and the line it links to:

Inside one filing
- a holding line is a vehicle of its own (rule `holding_line`, or joined across filings as below), except that the
  direct (D) holding lines of one security are lots of one direct vehicle and add up (`direct_lot`);
- the direct transaction lines of one security are one vehicle (`direct_same_filing` where the balances do not
  chain): an insider holds one direct position per security;
- a transaction line continues a transaction line of the same words (security, D/I, nature, distinctive footnote
  text) only when the balances chain: its balance = that line's balance ± its shares by its A/D code
  (`chained_balance`); a line without a balance continues the latest line of its words (`carried`); otherwise it
  starts a parallel vehicle.

Across filings, each of the filing's new vehicles joins an earlier vehicle of the same security (alias key and, in
Table II, exercise price and expiration) and D/I, each earlier vehicle at most once per filing: a direct one the
direct vehicle of its security (`direct`), an indirect one by the strongest evidence:
1. `footnote_text`: the same normalized distinctive footnote text on its nature or D/I (the fund's name repeats);
2. `footnote_similar`: footnote texts that differ only a little (similarity ≥ SIMILAR_TEXT) and the same nature,
   the most similar when no other vehicle's text comes as close (sibling funds' footnotes differ by one word:
   else the evidence is ambiguous and the next rule decides);
3. `balance`: its opening balance equals the vehicle's last balance;
4. `words`: the same nature words, footnotes not contradicting: with one candidate; with several the one reported
   first in the previous filing order (`words_ambiguous`: a guess, listed for review). Natures are compared
   without case, spacing, punctuation or a leading "By"/"Held by" ("By Sequoia Capital U.S. Venture 2010-Seed
   Fund, L.P." is "Sequoia Capital US Venture 2010-Seed Fund LP"; "ExpansionFund" is "Expansion Fund"), and a
   nature that only points at a footnote ("See Footnote 3") says nothing;
otherwise a new vehicle (`new_vehicle`). A line whose title is a statement ("No securities are beneficially owned")
is no vehicle (`statement`). An analyst's override (`same_vehicle`, `new_vehicle`, `statement`, `security`) comes
before every rule (`override_*`).
"""

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

import polars as pl
from rapidfuzz.fuzz import ratio

from transforms.security_titles import is_statement, resolve_aliases

SIMILAR_TEXT = 0.9  # similarity above which two footnote texts name the same vehicle
SIMILAR_MARGIN = 0.02  # ... if no other vehicle's text comes this close ("Greylock 15." / "Greylock 15-A.")
CONTRADICTING_TEXT = 0.5  # below it, two non-empty footnote texts name different vehicles
_WORDS = re.compile(r"[^a-z0-9]+")

LineRef = tuple[str, str, str, int]  # accession, source table, table kind, line number

DECISION_SCHEMA = {
    "issuer_cik": pl.Int64,
    "owner_group_key": pl.String,
    "accession_number": pl.String,
    "source_table": pl.String,
    "table_kind": pl.String,
    "line_number": pl.Int32,
    "event_date": pl.Date,
    "vehicle_key": pl.String,
    "security_key": pl.String,
    "rule": pl.String,
    "linked_accession_number": pl.String,
    "linked_source_table": pl.String,
    "linked_table_kind": pl.String,
    "linked_line_number": pl.Int32,
    "detail": pl.String,
}
ALIAS_SCHEMA = {
    "issuer_cik": pl.Int64,
    "owner_group_key": pl.String,
    "table_kind": pl.String,
    "security_title": pl.String,
    "title_key": pl.String,
    "security_key": pl.String,
    "rule": pl.String,
}
OVERRIDE_DECISIONS = ("same_vehicle", "new_vehicle", "statement", "security")
# A Form 3 states every holding of its owner group: a vehicle it does not list is no longer held from its date
# (`statement_closings`, which sql/refresh/refresh_positions.sql holds at 0), and no longer holds the balance a later
# line could continue (`_GroupAssigner.filing`). A Form 4 or 5 reports changes: its silence closes nothing.
STATEMENT_FORMS = ("3", "3/A")


@dataclass(frozen=True)
class Override:
    """An analyst's correction of one line's decision (overrides/vehicles.csv); `source` names its row."""

    line: LineRef
    decision: str
    target: LineRef | None = None
    note: str = ""
    source: str = "an override"


class OverrideNotAppliedError(ValueError):
    """An override whose line or target the vehicles cannot honour; the message names its row and why."""


@lru_cache(maxsize=1 << 16)  # footnote texts and natures repeat from filing to filing
def normalized_text(text: str | None) -> str:
    """Text without case, punctuation or spacing: what stays the same when a filer retypes it ("L.P." is "LP")."""
    return " ".join(_WORDS.sub(" ", (text or "").lower().replace(".", "")).split())


_NATURE_PREFIX = re.compile(r"^(?:(?:held|owned|shares held)\s+)?(?:by|through|via)\s+")
_NATURE_POINTER = re.compile(r"^(?:see|refer to)?\s*(?:foot\s*notes?|notes?|explanation|remarks?)\b[\s\d()f,and&-]*$")


@lru_cache(maxsize=1 << 16)
def nature_key(nature: str | None) -> str:
    """The nature of ownership as evidence: the name it gives, without case, spacing, punctuation or a leading
    "By"; empty for a pointer to a footnote ("See Footnote (3)"), which names nothing."""
    text = " ".join(_WORDS.sub(" ", (nature or "").lower().replace(".", "")).split())
    text = _NATURE_PREFIX.sub("", text)
    if _NATURE_POINTER.match(text) or text.startswith("see footnote"):
        return ""
    return text.replace(" ", "")


def _similarity(left: str, right: str) -> float:
    """Indel similarity of two texts, 0 to 1 (rapidfuzz: difflib's ratio, in C++ and without its heuristics)."""
    return ratio(left, right) / 100


@dataclass
class _Vehicle:
    key: str
    security: tuple[Any, ...]
    ownership_form: str
    nature: str
    evidence: str
    balance: Decimal | None
    last_line: LineRef
    order: tuple[Any, ...]


class VehicleLine(NamedTuple):
    """One current line as the rules see it, immutable: its filing's facts and its own, as vehicle_input gives them,
    then what the rules compare, prepared once (`_prepared`, `_filing_lines`): its security, D/I, nature and footnote
    evidence. A named tuple, not a frozen dataclass: a refresh builds one per line, and a frozen dataclass's
    `__init__` sets each of its 25 fields through `object.__setattr__` (docs/performance.md)."""

    issuer_cik: int
    owner_group_key: str
    accession_number: str
    event_time: datetime | None
    form_type: str | None
    source_table: str
    table_order: int
    table_kind: str
    line_number: int
    event_date: date | None
    security_title: str | None
    conversion_or_exercise_price: Decimal | None
    expiration_date: date | None
    direct_or_indirect_ownership: str | None
    nature_of_ownership: str | None
    acquired_disposed_code: str | None
    transaction_shares: Decimal | None
    shares: Decimal | None
    footnote_texts: tuple[str, ...]
    security_key: str = ""
    security: tuple[Any, ...] = ()
    ownership_form: str = ""
    nature: str = ""
    evidence: str = ""
    ref: LineRef = ("", "", "", 0)  # accession, source table, table kind, line number: how decisions name it


# The columns of vehicle_input the rules read (the fields VehicleLine takes from it).
INPUT_COLUMNS = tuple(
    name
    for name in VehicleLine._fields
    if name not in ("security_key", "security", "ownership_form", "nature", "evidence", "ref")
)


@dataclass
class _Segment:
    """A run of one filing's lines that measure one vehicle, and how each line after the first joined it."""

    lines: list[VehicleLine] = field(default_factory=list)
    opening: Decimal | None = None
    balance: Decimal | None = None
    links: list[tuple[str, LineRef]] = field(default_factory=list)  # (rule, line joined) of lines[1:]

    def join(self, line: VehicleLine, rule: str, joined: LineRef) -> None:
        self.lines.append(line)
        self.links.append((rule, joined))


def _signed(line: VehicleLine) -> Decimal | None:
    shares, code = line.transaction_shares, (line.acquired_disposed_code or "").upper()
    if shares is None or code not in ("A", "D"):
        return None
    return shares if code == "A" else -shares


def _opening(line: VehicleLine) -> Decimal | None:
    """The balance before the line: for a transaction its balance minus its signed shares, for a holding itself."""
    if line.source_table == "holdings":
        return line.shares
    signed = _signed(line)
    return None if line.shares is None or signed is None else line.shares - signed


def _vehicle_key(issuer_cik: int, owner_group_key: str, founder: LineRef) -> str:
    text = "|".join(str(part) for part in (issuer_cik, owner_group_key, *founder))
    return hashlib.md5(text.encode()).hexdigest()


class _GroupAssigner:
    """The vehicles of one issuer's owner group, built filing by filing."""

    def __init__(self, issuer_cik: int, owner_group_key: str, overrides: dict[LineRef, Override]) -> None:
        self.issuer_cik = issuer_cik
        self.owner_group_key = owner_group_key
        self.overrides = overrides
        self.vehicles: list[_Vehicle] = []
        self.vehicle_of_line: dict[LineRef, _Vehicle] = {}
        self.decisions: list[VehicleLine] = []

    def decide(self, line: VehicleLine, vehicle: _Vehicle | None, rule: str, linked: LineRef | None, detail: str):
        override = self.overrides.get(line.ref)
        if override is not None:  # every decision an override made says so, with the analyst's note
            if not rule.startswith("override_"):
                detail = f"{override.note} (then {rule}{': ' + detail if detail else ''})".lstrip()
                rule = f"override_{override.decision}"
            else:
                detail = override.note or detail
        self.decisions.append(
            {
                "issuer_cik": self.issuer_cik,
                "owner_group_key": self.owner_group_key,
                "accession_number": line.accession_number,
                "source_table": line.source_table,
                "table_kind": line.table_kind,
                "line_number": line.line_number,
                "event_date": line.event_date,
                "vehicle_key": vehicle.key if vehicle else None,
                "security_key": line.security_key,
                "rule": rule,
                "linked_accession_number": linked[0] if linked else None,
                "linked_source_table": linked[1] if linked else None,
                "linked_table_kind": linked[2] if linked else None,
                "linked_line_number": linked[3] if linked else None,
                "detail": detail,
            }
        )
        if vehicle is not None:
            self.vehicle_of_line[line.ref] = vehicle

    def filing(self, lines: list[VehicleLine]) -> None:
        """Assign one filing's lines (document order: transactions, then holdings)."""
        segments: list[_Segment] = []
        open_by_words: dict[tuple[Any, ...], list[_Segment]] = {}
        for line in lines:
            override = self.overrides.get(line.ref)
            statement = is_statement(line.security_title)
            if override and override.decision in ("statement", "security"):
                statement = override.decision == "statement"
            if statement:
                rule = "override_statement" if override and override.decision == "statement" else "statement"
                self.decide(line, None, rule, None, f"title {line.security_title!r} names no security")
                continue
            if override and override.decision in ("same_vehicle", "new_vehicle"):
                segments.append(_Segment([line], _opening(line), line.shares))
                continue
            direct = line.ownership_form == "D"
            words = (
                (line.source_table, line.security, "D")
                if direct
                else (line.source_table, line.security, line.ownership_form, line.nature, line.evidence)
            )
            candidates = open_by_words.get(words, [])
            if direct and candidates:
                segment = candidates[-1]
                rule = "direct_lot" if line.source_table == "holdings" else "direct_same_filing"
                if line.source_table == "holdings" and line.shares is not None:
                    segment.balance = (segment.balance or 0) + line.shares
                    segment.opening = segment.balance
                elif line.shares is not None:
                    segment.balance = line.shares
                segment.join(line, rule, segment.lines[-1].ref)
                continue
            joined = self._continue_in_filing(line, candidates)
            if joined is None:
                segment = _Segment([line], _opening(line), line.shares)
                segments.append(segment)
                if line.source_table == "transactions" or direct:
                    open_by_words.setdefault(words, []).append(segment)
            else:
                segment, rule = joined
                segment.join(line, rule, segment.lines[-1].ref)
                if line.shares is not None:
                    segment.balance = line.shares
        claimed: set[str] = set()
        for segment in segments:
            self._place(segment, claimed)
        if lines and lines[0].form_type in STATEMENT_FORMS:
            for vehicle in self.vehicles:  # not listed by a complete statement of holdings: no longer held
                if vehicle.key not in claimed:
                    vehicle.balance = Decimal(0)

    @staticmethod
    def _continue_in_filing(line: VehicleLine, candidates: list[_Segment]) -> tuple[_Segment, str] | None:
        """The segment of this filing a transaction line continues, and the rule by which, if any."""
        if line.source_table != "transactions" or not candidates:
            return None
        if line.shares is None:
            return candidates[-1], "carried"
        opening = _opening(line)
        for segment in reversed(candidates):
            if opening is not None and segment.balance is not None and segment.balance == opening:
                return segment, "chained_balance"
        return None

    def _place(self, segment: _Segment, claimed: set[str]) -> None:
        first = segment.lines[0]
        override = self.overrides.get(first.ref)
        vehicle, rule, detail = None, "new_vehicle", ""
        if override and override.decision == "same_vehicle":
            vehicle = self.vehicle_of_line.get(override.target) if override.target else None
            if vehicle is None:
                raise OverrideNotAppliedError(
                    f"{override.source}: the target line {'/'.join(map(str, override.target or ()))} has no vehicle "
                    "to join when this line is placed (it names no security, or is not an earlier line of the group)"
                )
            rule, detail = "override_same_vehicle", override.note
        elif override and override.decision == "new_vehicle":
            rule, detail = "override_new_vehicle", override.note
        else:
            vehicle, rule, detail = self._match(segment, claimed)
        linked = vehicle.last_line if vehicle else None
        if vehicle is None:
            vehicle = _Vehicle(
                _vehicle_key(self.issuer_cik, self.owner_group_key, first.ref),
                first.security,
                first.ownership_form,
                first.nature,
                first.evidence,
                None,
                first.ref,
                (),
            )
            self.vehicles.append(vehicle)
            if rule == "new_vehicle" and first.source_table == "holdings":
                rule = "holding_line"
        claimed.add(vehicle.key)
        self.decide(first, vehicle, rule, linked, detail)
        for line, (within_rule, within_link) in zip(segment.lines[1:], segment.links, strict=True):
            self.decide(line, vehicle, within_rule, within_link, "")
        last = segment.lines[-1]
        vehicle.last_line = last.ref
        vehicle.order = (last.event_time, last.accession_number, last.table_order, last.line_number)
        if segment.balance is not None:
            vehicle.balance = segment.balance
        if first.evidence:
            vehicle.evidence = first.evidence
        vehicle.nature = first.nature

    def _match(self, segment: _Segment, claimed: set[str]) -> tuple[_Vehicle | None, str, str]:
        first = segment.lines[0]
        candidates = [
            vehicle
            for vehicle in self.vehicles
            if vehicle.key not in claimed
            and vehicle.security == first.security
            and vehicle.ownership_form == first.ownership_form
        ]
        if not candidates:
            return None, "new_vehicle", "no earlier vehicle of this security and D/I"
        if first.ownership_form == "D":
            # One direct vehicle per security: what the insider holds in their own name.
            return min(candidates, key=lambda vehicle: vehicle.order), "direct", ""
        evidence = first.evidence
        if evidence:
            same = [vehicle for vehicle in candidates if vehicle.evidence == evidence]
            if same:
                return same[0], "footnote_text", ""
            scored = sorted(
                (
                    (_similarity(evidence, vehicle.evidence), vehicle)
                    for vehicle in candidates
                    if vehicle.evidence and vehicle.nature == first.nature
                ),
                key=lambda pair: -pair[0],
            )
            if scored and scored[0][0] >= SIMILAR_TEXT:
                runner_up = scored[1][0] if len(scored) > 1 else 0.0
                if scored[0][0] - runner_up >= SIMILAR_MARGIN:
                    return scored[0][1], "footnote_similar", f"similarity {scored[0][0]:.2f}"
        if segment.opening is not None:
            same_balance = [vehicle for vehicle in candidates if vehicle.balance == segment.opening]
            if len(same_balance) == 1:
                return same_balance[0], "balance", f"opening balance {segment.opening}"
            if len(same_balance) > 1:
                chosen = min(same_balance, key=lambda vehicle: vehicle.order)
                return chosen, "balance", f"opening balance {segment.opening}, {len(same_balance)} vehicles hold it"
        compatible = [
            vehicle
            for vehicle in candidates
            if vehicle.nature == first.nature
            and not (evidence and vehicle.evidence and _similarity(evidence, vehicle.evidence) < CONTRADICTING_TEXT)
        ]
        if len(compatible) == 1:
            return compatible[0], "words", ""
        if compatible:
            chosen = min(compatible, key=lambda vehicle: vehicle.order)
            return chosen, "words_ambiguous", f"{len(compatible)} vehicles with the same words; took the first listed"
        return None, "new_vehicle", "no earlier vehicle matched by footnote, balance or words"


def _filing_lines(rows: list[dict[str, Any]]) -> list[VehicleLine]:
    """One filing's prepared rows as VehicleLines, each with its evidence: its footnote text on its nature or D/I,
    without footnotes every line of its words shares.

    A general footnote ("Greylock 15 GP LLC is the general partner of each of …") on all three fund lines says
    nothing about which fund a line is; the one naming the fund does.
    """
    by_words: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_words.setdefault((row["security"], row["ownership_form"], row["nature"]), []).append(row)
    shared: dict[tuple[Any, ...], set[str]] = {
        words: set.intersection(*(set(row["footnote_texts"]) for row in siblings)) if len(siblings) > 1 else set()
        for words, siblings in by_words.items()
    }
    lines = []
    for row in rows:
        common = shared[(row["security"], row["ownership_form"], row["nature"])]
        evidence = " | ".join(sorted({text for text in row["footnote_texts"] if text not in common}))
        ref = (row["accession_number"], row["source_table"], row["table_kind"], row["line_number"])
        lines.append(VehicleLine(**row, evidence=evidence, ref=ref))
    return lines


def _prepared(rows: Iterable[dict[str, Any]], aliases: dict[tuple[Any, ...], str]) -> Iterator[dict[str, Any]]:
    """Each row of vehicle_input with what the rules compare: its security (the alias key of its title, and for
    Table II its exercise price and expiration), D/I, nature and footnote texts, normalized."""
    for row in rows:
        security_key = aliases[(row["issuer_cik"], row["owner_group_key"], row["table_kind"], row["security_title"])]
        derivative_terms = (
            (row["conversion_or_exercise_price"], row["expiration_date"]) if row["table_kind"] == "derivative" else ()
        )
        row["footnote_texts"] = tuple(normalized_text(text) for text in (row["footnote_texts"] or []) if text)
        row["security_key"] = security_key
        row["security"] = (row["table_kind"], security_key, *derivative_terms)
        row["ownership_form"] = (row["direct_or_indirect_ownership"] or "").strip().upper()
        row["nature"] = nature_key(row["nature_of_ownership"])
        yield row


CLOSING_SCHEMA = pl.Schema({"vehicle_key": pl.String, "accession_number": pl.String})


@dataclass(frozen=True)
class VehicleAssignment:
    decisions: pl.DataFrame  # one row per line: its vehicle and the rule that chose it
    aliases: pl.DataFrame  # one row per title of a group's table: the security key it names and why
    # one row per vehicle a statement of holdings closes: the vehicle and the statement (CLOSING_SCHEMA)
    closings: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CLOSING_SCHEMA))


def statement_closings(decisions: pl.DataFrame, filings: pl.DataFrame) -> pl.DataFrame:
    """The vehicles each statement of holdings closes (CLOSING_SCHEMA): a filing of STATEMENT_FORMS lists every
    holding of its owner group, so a vehicle the group reported on an earlier date and the statement does not list
    is no longer held from the statement's date.

    `decisions` are the groups' vehicle decisions; `filings` their filings whose holdings no amendment restated
    (accession_number, issuer_cik, owner_group_key, form_type, event_date: the date the holdings speak for).
    """
    figures = (
        decisions.filter(pl.col("vehicle_key").is_not_null())
        .group_by("issuer_cik", "owner_group_key", "vehicle_key")
        .agg(pl.col("event_date").min().alias("first_date"), pl.col("accession_number").unique().alias("listed_in"))
    )
    statements = filings.filter(pl.col("form_type").is_in(STATEMENT_FORMS)).select(
        "issuer_cik", "owner_group_key", "accession_number", pl.col("event_date").alias("statement_date")
    )
    closed = figures.join(statements, on=["issuer_cik", "owner_group_key"]).filter(
        (pl.col("first_date") < pl.col("statement_date"))
        & ~pl.col("listed_in").list.contains(pl.col("accession_number"))
    )
    return closed.select(list(CLOSING_SCHEMA)).cast(dict(CLOSING_SCHEMA)).sort(list(CLOSING_SCHEMA))


def assign_vehicles(
    lines: pl.DataFrame, overrides: Iterable[Override] = (), filings: pl.DataFrame | None = None
) -> VehicleAssignment:
    """Every line of `lines` (the current lines of some owner groups' filings) assigned to its vehicle.

    `lines` holds, per line, at least the INPUT_COLUMNS of VehicleLine (footnote_texts: the texts of the footnotes
    on its nature and D/I). With `filings` (the groups' filings whose holdings stand, see `statement_closings`), the
    vehicles their statements of holdings close come too.
    """
    by_line = {override.line: override for override in overrides}
    alias_rows: list[dict[str, Any]] = []
    aliases: dict[tuple[Any, ...], str] = {}
    titles = lines.select("issuer_cik", "owner_group_key", "table_kind", "security_title").unique()
    for (issuer_cik, group, table_kind), frame in titles.group_by(
        ["issuer_cik", "owner_group_key", "table_kind"], maintain_order=True
    ):
        named = [title for title in frame["security_title"].to_list() if title is not None and not is_statement(title)]
        for title, alias in resolve_aliases(named).items():
            aliases[(issuer_cik, group, table_kind, title)] = alias.alias_of
            alias_rows.append(
                {
                    "issuer_cik": issuer_cik,
                    "owner_group_key": group,
                    "table_kind": table_kind,
                    "security_title": title,
                    "title_key": alias.key,
                    "security_key": alias.alias_of,
                    "rule": alias.rule,
                }
            )
        for title in frame["security_title"].to_list():
            if title is None or is_statement(title):
                aliases[(issuer_cik, group, table_kind, title)] = ""
    ordered = lines.sort(
        ["issuer_cik", "owner_group_key", "event_time", "accession_number", "table_order", "table_kind", "line_number"],
        nulls_last=True,
    )
    decisions: list[dict[str, Any]] = []
    assigner: _GroupAssigner | None = None
    filing: list[dict[str, Any]] = []

    def flush() -> None:
        if filing and assigner is not None:
            assigner.filing(_filing_lines(filing))
        filing.clear()

    for row in _prepared(ordered.select(INPUT_COLUMNS).iter_rows(named=True), aliases):
        group = (row["issuer_cik"], row["owner_group_key"])
        if assigner is None or group != (assigner.issuer_cik, assigner.owner_group_key):
            flush()
            if assigner is not None:
                decisions.extend(assigner.decisions)
            assigner = _GroupAssigner(*group, by_line)
        elif filing and filing[0]["accession_number"] != row["accession_number"]:
            flush()
        filing.append(row)
    flush()
    if assigner is not None:
        decisions.extend(assigner.decisions)
    decided = pl.DataFrame(decisions, schema=DECISION_SCHEMA)
    closings = statement_closings(decided, filings) if filings is not None else pl.DataFrame(schema=CLOSING_SCHEMA)
    return VehicleAssignment(decided, pl.DataFrame(alias_rows, schema=ALIAS_SCHEMA), closings)
