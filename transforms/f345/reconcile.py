"""How well the Form 345 data sets agree with the filings themselves, field by field.

For the accessions a quarter's set holds and the warehouse loaded from their own submission, every column the set
carries is compared with the filing's, row by row on the table's key; a count per table and column, with one
disagreeing example each. The SEC rounds the sets' numbers to two decimals (224.048 in a filing's XML is 224.05 in
the set): a value that differs only so is counted as rounded, a category of its own, not as a disagreement.
"""

import hashlib
from collections.abc import Collection
from decimal import Decimal

import polars as pl

# How a row of each table is found in both sources.
TABLE_KEYS = {
    "filings": ["accession_number"],
    "filing_owners": ["accession_number", "owner_cik"],
    "transactions": ["accession_number", "table_kind", "line_number"],
    "holdings": ["accession_number", "table_kind", "line_number"],
    "footnotes": ["accession_number", "footnote_id"],
    "signatures": ["accession_number", "line_number"],
}
RECONCILIATION = pl.Schema(
    {
        "table_name": pl.String(),
        "column_name": pl.String(),
        "compared": pl.Int64(),
        "agreeing": pl.Int64(),
        "rounded_in_f345": pl.Int64(),
        "rows_only_in_f345": pl.Int64(),
        "rows_only_in_filing": pl.Int64(),
        "example_accession_number": pl.String(),
        "example_key": pl.String(),
        "f345_value": pl.String(),
        "filing_value": pl.String(),
    }
)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def reconcile(
    f345: dict[str, pl.DataFrame],
    filed: dict[str, pl.DataFrame],
    carried: dict[str, list[str]],
    table_kinds: dict[str, list[str]],
) -> pl.DataFrame:
    """Per table and carried column: rows compared, rows agreeing, rows the set rounded to two decimals, rows only
    one side has, one disagreement.

    Lines are compared for the table kinds whose file the set had (a set without NONDERIV_TRANS says nothing of
    a filing's non-derivative transactions)."""
    rows = []
    for table, keys in TABLE_KEYS.items():
        if table not in f345 or table not in filed:
            continue
        left, right = f345[table], filed[table]
        if table in table_kinds:
            right = right.filter(pl.col("table_kind").is_in(table_kinds[table]))
        if "values_given_by_footnote" in carried.get(table, []):
            right = _given_by_footnote_as_carried(right, carried[table])
        joined = left.join(right, on=keys, how="inner", suffix="__filing")
        only_left = left.join(right, on=keys, how="anti").height
        only_right = right.join(left, on=keys, how="anti").height
        for column in carried.get(table, []):
            if column in keys or column not in right.columns:
                continue
            same = joined.select(pl.col(column).eq_missing(pl.col(f"{column}__filing")).alias("same"))["same"]
            differing = joined.filter(~same)
            rounded = 0
            if isinstance(left.schema[column], pl.Decimal) and differing.height:
                only_rounded = pl.Series(
                    [rounded_to_cents(a, b) for a, b in differing.select(column, f"{column}__filing").rows()],
                    dtype=pl.Boolean,
                )
                rounded = int(only_rounded.sum())
                differing = differing.filter(~only_rounded)
            example = differing.row(0, named=True) if differing.height else None
            rows.append(
                {
                    "table_name": table,
                    "column_name": column,
                    "compared": joined.height,
                    "agreeing": int(same.sum()),
                    "rounded_in_f345": rounded,
                    "rows_only_in_f345": only_left,
                    "rows_only_in_filing": only_right,
                    "example_accession_number": example["accession_number"] if example else None,
                    "example_key": "/".join(str(example[key]) for key in keys[1:]) if example else None,
                    "f345_value": _text(example[column]) if example else None,
                    "filing_value": _text(example[f"{column}__filing"]) if example else None,
                }
            )
    return pl.DataFrame(rows, schema=RECONCILIATION)


_CENT = Decimal("0.01")


def rounded_to_cents(f345: Decimal | None, filed: Decimal | None) -> bool:
    """True when the set's value is the filing's rounded to two decimals (either way of breaking a tie)."""
    if f345 is None or filed is None:
        return False
    return f345 == f345.quantize(_CENT) and abs(filed - f345) <= _CENT / 2


def _given_by_footnote_as_carried(filed: pl.DataFrame, carried: list[str]) -> pl.DataFrame:
    """The filing's values_given_by_footnote less the columns the set does not carry: the set cannot say that a
    value it has no column for was given by a footnote, and that is no disagreement."""
    listed = pl.col("values_given_by_footnote").list.eval(pl.element().filter(pl.element().is_in(carried)))
    return filed.with_columns(listed.alias("values_given_by_footnote"))


def verification_sample(
    filings: pl.DataFrame, count: int, already_compared: Collection[str] = frozenset()
) -> list[tuple[str, int]]:
    """`count` of a quarter's filings (accession, issuer CIK) to fetch and compare with the set: chosen by a digest
    of the accession, so the same quarter gives the same sample on every run and machine, spread over its filers.
    Filings in `already_compared` (loaded from their own submission, so reconciled without a fetch) are not drawn:
    each filing fetched adds one to the comparison."""
    candidates = (
        filings.select("accession_number", "issuer_cik")
        .drop_nulls()
        .unique("accession_number")
        .filter(~pl.col("accession_number").is_in(list(already_compared)))
        .rows()
    )
    candidates.sort(key=lambda row: hashlib.sha256(row[0].encode()).digest())
    return [(accession, int(issuer)) for accession, issuer in candidates[: max(0, count)]]
