"""Vehicle rules on small cases whose answer is plain from the rule (the real chains: test_vehicles_real.py)."""

from datetime import date, datetime
from decimal import Decimal

import polars as pl
import pytest

from transforms.security_titles import is_statement, resolve_aliases, title_key
from transforms.vehicle_overrides import OverridesError, parse_overrides
from transforms.vehicles import Override, OverrideNotAppliedError, assign_vehicles

ISSUER, GROUP = 1000, "2000"


def line(
    accession: str,
    number: int,
    balance: int | None,
    change: int | None = None,
    source: str = "transactions",
    title: str = "Common Stock",
    form: str = "I",
    nature: str = "By Trust",
    footnotes: tuple[str, ...] = (),
    day: date = date(2024, 1, 2),
    accepted: datetime | None = None,
    form_type: str = "4",
) -> dict:
    return {
        "issuer_cik": ISSUER,
        "owner_group_key": GROUP,
        "accession_number": accession,
        "event_time": accepted or datetime.combine(day, datetime.min.time()).replace(hour=17),
        "form_type": form_type,
        "source_table": source,
        "table_order": 0 if source == "transactions" else 1,
        "table_kind": "non_derivative",
        "line_number": number,
        "event_date": day,
        "security_title": title,
        "conversion_or_exercise_price": None,
        "expiration_date": None,
        "direct_or_indirect_ownership": form,
        "nature_of_ownership": nature,
        "acquired_disposed_code": None if change is None else ("A" if change >= 0 else "D"),
        "transaction_shares": None if change is None else Decimal(abs(change)),
        "shares": None if balance is None else Decimal(balance),
        "footnote_texts": list(footnotes),
    }


def decide(lines: list[dict], overrides: list[Override] = ()) -> list[tuple]:
    frame = pl.DataFrame(lines, infer_schema_length=None)
    decisions = assign_vehicles(frame, overrides).decisions.sort("accession_number", "source_table", "line_number")
    keys = {key: f"v{n}" for n, key in enumerate(dict.fromkeys(decisions["vehicle_key"].drop_nulls()))}
    return [
        (row["accession_number"], row["source_table"][0], row["line_number"], keys.get(row["vehicle_key"]), row["rule"])
        for row in decisions.iter_rows(named=True)
    ]


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Class A Common Stock, $0.0001 par value", "Class A Common Stock"),
        ("Class A Common Stock, par value $0.0001 per share", "Class A Common Stock"),
        ("Class A  Common Stock", "Class A Common Shares"),
        ("Restricted Stock Unit", "Restricted Stock Units"),
        ("Restricted Stock Units (RSUs)", "Restricted stock units"),
        ("Common Stock, no par value", "COMMON STOCK"),
        ("Common", "Common Stock"),
        ("Non-Qualifed Stock Option", "Non-Qualified Stock Options"),
    ],
)
def test_titles_of_one_security_share_a_key(left: str, right: str):
    assert title_key(left) == title_key(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Class A Common Stock", "Class B Common Stock"),
        ("Common Stock", "Common Stock Warrants"),
        ("Series A Preferred Stock", "Series B Preferred Stock"),
        ("Common Stock", "Restricted Stock Units"),
    ],
)
def test_titles_of_different_securities_keep_different_keys(left: str, right: str):
    assert title_key(left) != title_key(right)
    aliases = resolve_aliases([left, right])
    assert aliases[left].alias_of != aliases[right].alias_of


def test_a_truncated_or_short_title_joins_the_one_title_it_abbreviates():
    aliases = resolve_aliases(
        ["Class A Common Stoc", "Class A Common Stock", "Non-Qualifed", "Non-Qualified Stock Option (right to buy)"]
    )
    assert (aliases["Class A Common Stoc"].alias_of, aliases["Class A Common Stoc"].rule) == (
        "class a common stock",
        "truncated",
    )
    assert aliases["Non-Qualifed"].alias_of == title_key("Non-Qualified Stock Option (right to buy)")
    assert aliases["Non-Qualifed"].rule == "short_form"


def test_a_short_title_with_two_candidates_stays_itself():
    aliases = resolve_aliases(["Class A Common", "Class A Common Stock Warrants", "Class A Common Stock Units"])
    assert aliases["Class A Common"].alias_of == "class a common stock"


@pytest.mark.parametrize("title", ["No securities are beneficially owned", "None", "N/A", ""])
def test_statements_are_not_securities(title: str):
    assert is_statement(title)


@pytest.mark.parametrize("title", ["Common Stock", "Class A Common Stock", "Non-Qualified Stock Option"])
def test_securities_are_not_statements(title: str):
    assert not is_statement(title)


def test_interleaved_lines_with_the_same_words_are_parallel_vehicles_while_balances_chain():
    first = [line("a1", 1, 110, +10), line("a1", 2, 210, +10), line("a1", 3, 115, +5), line("a1", 4, 215, +5)]
    later = [
        line("a2", 1, 215, source="holdings", day=date(2024, 2, 1)),
        line("a2", 2, 115, source="holdings", day=date(2024, 2, 1)),
    ]
    assert decide(first + later) == [
        ("a1", "t", 1, "v0", "new_vehicle"),
        ("a1", "t", 2, "v1", "new_vehicle"),
        ("a1", "t", 3, "v0", "chained_balance"),
        ("a1", "t", 4, "v1", "chained_balance"),
        ("a2", "h", 1, "v1", "balance"),
        ("a2", "h", 2, "v0", "balance"),
    ]


def test_footnote_text_outranks_balance_and_shared_footnotes_say_nothing():
    general = "GP LLC is the general partner of each fund"
    first = [
        line("a1", 1, 100, source="holdings", footnotes=(general, "Held by Fund One.")),
        line("a1", 2, 100, source="holdings", footnotes=(general, "Held by Fund Two.")),
    ]
    later = [  # listed in the other order, both at 100: only the footnotes tell them apart
        line("a2", 1, 100, source="holdings", footnotes=(general, "Held by Fund Two."), day=date(2024, 3, 1)),
        line("a2", 2, 100, source="holdings", footnotes=(general, "Held by Fund One."), day=date(2024, 3, 1)),
    ]
    assert decide(first + later) == [
        ("a1", "h", 1, "v0", "holding_line"),
        ("a1", "h", 2, "v1", "holding_line"),
        ("a2", "h", 1, "v1", "footnote_text"),
        ("a2", "h", 2, "v0", "footnote_text"),
    ]


def test_direct_lines_are_one_vehicle_and_direct_lots_add_up():
    lines = [
        line("a1", 1, 500, source="holdings", form="D", nature=""),
        line("a1", 2, 300, source="holdings", form="D", nature=""),
        line("a2", 1, 900, +100, form="D", nature="", day=date(2024, 4, 1)),
        line("a2", 2, 50, -10, form="D", nature="", day=date(2024, 4, 1)),  # does not chain: still direct
    ]
    assert decide(lines) == [
        ("a1", "h", 1, "v0", "holding_line"),
        ("a1", "h", 2, "v0", "direct_lot"),
        ("a2", "t", 1, "v0", "direct"),
        ("a2", "t", 2, "v0", "direct_same_filing"),
    ]


def test_a_statement_line_is_no_vehicle():
    lines = [line("a1", 1, 0, source="holdings", title="No securities are beneficially owned", form="D")]
    assert decide(lines) == [("a1", "h", 1, None, "statement")]


def test_overrides_come_before_every_rule():
    lines = [
        line("a1", 1, 100, source="holdings"),
        line("a2", 1, 100, source="holdings", day=date(2024, 2, 1)),  # joins a1 by words
        line("a3", 1, 7, source="holdings", nature="By LLC", day=date(2024, 3, 1)),
        line("a4", 1, 0, source="holdings", title="None", day=date(2024, 3, 1)),
    ]
    assert [row[3:] for row in decide(lines)] == [
        ("v0", "holding_line"),
        ("v0", "balance"),
        ("v1", "holding_line"),
        (None, "statement"),
    ]
    overrides = [
        Override(("a2", "holdings", "non_derivative", 1), "new_vehicle", note="a second trust"),
        Override(("a3", "holdings", "non_derivative", 1), "same_vehicle", ("a1", "holdings", "non_derivative", 1)),
        Override(("a4", "holdings", "non_derivative", 1), "security"),
    ]
    assert [row[3:] for row in decide(lines, overrides)] == [
        ("v0", "holding_line"),
        ("v1", "override_new_vehicle"),
        ("v0", "override_same_vehicle"),
        ("v2", "override_security"),  # every decision an override made says so
    ]


def test_every_decision_an_override_made_is_marked_with_its_note_and_a_target_without_vehicle_is_refused():
    lines = [
        line("a1", 1, 100, source="holdings"),
        line("a2", 1, 0, source="holdings", title="None", day=date(2024, 2, 1)),
        line("a3", 1, 50, source="holdings", nature="By LLC", day=date(2024, 3, 1)),
    ]
    overrides = [
        Override(("a1", "holdings", "non_derivative", 1), "statement", note="a remark, not a security"),
        Override(("a2", "holdings", "non_derivative", 1), "security", note="the title is the security's"),
    ]
    decided = assign_vehicles(pl.DataFrame(lines, infer_schema_length=None), overrides).decisions
    rules = decided.select("accession_number", "rule", "detail").sort("accession_number").rows()
    assert rules[0] == ("a1", "override_statement", "a remark, not a security")
    assert rules[1][:2] == ("a2", "override_security") and rules[1][2].startswith("the title is the security's (then")
    assert rules[2][1] == "holding_line"  # a line no override names keeps its own rule

    joins_a_statement = Override(
        ("a3", "holdings", "non_derivative", 1), "same_vehicle", ("a1", "holdings", "non_derivative", 1), "", "row 4"
    )
    with pytest.raises(OverrideNotAppliedError, match=r"row 4: the target line a1/holdings/non_derivative/1 has no"):
        assign_vehicles(pl.DataFrame(lines, infer_schema_length=None), [overrides[0], joins_a_statement])


HEADER = (
    "accession_number,source_table,table_kind,line_number,decision,target_accession_number,target_source_table,"
    "target_table_kind,target_line_number,note\n"
)


@pytest.mark.parametrize(
    ("row", "said"),
    [
        ("0001828108-24-000116,holdings,non_derivative,4,new_vehicle,,,,,two accounts, one trust\n", "11 fields"),
        ("0001828108-24-000116,holdings,non_derivative,4,new_vehicle\n", "5 fields"),
    ],
)
def test_a_row_with_more_or_fewer_fields_than_the_header_is_refused_naming_it(row: str, said: str):
    with pytest.raises(OverridesError, match=rf"^overrides/vehicles.csv line 3: {said} where the header names 10"):
        parse_overrides(
            HEADER + "0001828108-24-000092,holdings,non_derivative,1,new_vehicle,,,,,ok\n" + row,
            "overrides/vehicles.csv",
        )


def test_overrides_file_is_read_row_by_row():
    text = HEADER + (
        "0001828108-24-000116,holdings,non_derivative,4,same_vehicle,0001828108-23-000205,transactions,"
        "non_derivative,1,Greylock 15\n"
        "000182810824000092,holdings,non_derivative,1,new_vehicle,,,,,a second account\n"
    )
    first, second = parse_overrides(text)
    assert first.line == ("0001828108-24-000116", "holdings", "non_derivative", 4)
    assert first.target == ("0001828108-23-000205", "transactions", "non_derivative", 1)
    assert (second.line[0], second.decision, second.target, second.note) == (
        "0001828108-24-000092",
        "new_vehicle",
        None,
        "a second account",
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("0001828108-24-000116,holdings,non_derivative,4,merge,,,,,\n", "decision must be one of"),
        ("0001828108-24-000116,holding,non_derivative,4,new_vehicle,,,,,\n", "source_table must be one of"),
        ("0001828108-24-000116,holdings,non_derivative,x,new_vehicle,,,,,\n", "line_number must be"),
        ("12-34,holdings,non_derivative,1,new_vehicle,,,,,\n", "line 2"),
        ("0001828108-24-000116,holdings,non_derivative,4,same_vehicle,,,,,\n", "same_vehicle needs the target line"),
        (
            "0001828108-24-000116,holdings,non_derivative,4,new_vehicle,,,,,\n"
            "0001828108-24-000116,holdings,non_derivative,4,statement,,,,,\n",
            "line 3: a second override",
        ),
    ],
)
def test_a_wrong_override_row_is_refused_with_its_line(rows: str, message: str):
    with pytest.raises(OverridesError, match=message):
        parse_overrides(HEADER + rows)


def test_an_overrides_file_without_its_header_is_refused():
    with pytest.raises(OverridesError, match="the header must name"):
        parse_overrides("accession,line\n")


def test_a_form_3_lists_every_holding_so_a_vehicle_it_omits_has_no_balance_left():
    lines = [
        line("a1", 1, 100, source="holdings", nature="By Trust"),
        line("a2", 1, 40, source="holdings", nature="By LLC", day=date(2024, 5, 1), form_type="3"),
        line("a3", 1, 100, source="holdings", nature="", day=date(2024, 6, 1)),  # not the trust's 100 again
    ]
    assert [row[3:] for row in decide(lines)] == [
        ("v0", "holding_line"),
        ("v1", "holding_line"),
        ("v2", "holding_line"),
    ]
