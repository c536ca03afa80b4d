"""The typed shape of every warehouse base table, stated once in Python (DDL in sql/ddl/ must agree).

Shares, prices and values are exact DECIMAL(38, 6); never floats.
"""

from collections.abc import Sequence
from functools import cache
from operator import itemgetter
from typing import Any

import polars as pl
import pyarrow as pa

from transforms.ownership_fields import DOCUMENT_LEAVES, HOLDING_LEAVES, OWNER_LEAVES, TRANSACTION_LEAVES, Leaf
from transforms.sgml import HEADER_PARTY_FIELDS

DECIMAL = pl.Decimal(38, 6)
FOOTNOTE_IDS = pl.List(pl.String)
UNPARSED = pl.List(pl.Struct({"field": pl.String, "raw": pl.String}))
_KIND_TYPES: dict[str, pl.DataType] = {
    "text": pl.String(),
    "decimal": DECIMAL,
    "date": pl.Date(),
    "bool": pl.Boolean(),
    "cik": pl.Int64(),
}


def _leaf_columns(leaves: tuple[Leaf, ...], added_later: bool = False) -> dict[str, pl.DataType]:
    """The columns of the baseline's leaves, in declaration order; with `added_later`, those of the leaves a later
    schema version added, in version order: they go last in their table."""
    columns: dict[str, pl.DataType] = {}
    chosen = [leaf for leaf in leaves if (leaf.schema_version > 1) == added_later]
    for leaf in sorted(chosen, key=lambda leaf: leaf.schema_version):
        columns[leaf.column] = _KIND_TYPES[leaf.kind]
        if leaf.wrapped:
            columns[f"{leaf.column}_footnote_ids"] = FOOTNOTE_IDS
    return columns


def row_schema(leaves: tuple[Leaf, ...]) -> pl.Schema:
    """A Table I/II line table: its key, its leaves' columns, the coding footnotes, the values given by footnote, and
    last the columns later schema versions added."""
    return pl.Schema(
        {
            **_ROW_KEY,
            **_leaf_columns(leaves),
            "transaction_coding_footnote_ids": FOOTNOTE_IDS,
            **_ROW_TAIL,
            **_leaf_columns(leaves, added_later=True),
        }
    )


_ROW_KEY = {"accession_number": pl.String(), "table_kind": pl.String(), "line_number": pl.Int32()}
_ROW_TAIL = {"values_given_by_footnote": pl.List(pl.String)}

FILINGS = pl.Schema(
    {
        "accession_number": pl.String(),
        "form_type": pl.String(),
        "filing_date": pl.Date(),
        "acceptance_datetime": pl.Datetime("us"),
        "header_period_of_report": pl.Date(),
        "header_issuer_cik": pl.Int64(),
        "header_reporting_owner_ciks": pl.List(pl.Int64),
        "primary_document": pl.String(),
        **{column: dtype for column, dtype in _leaf_columns(DOCUMENT_LEAVES).items()},
        "owner_count": pl.Int32(),
        "transaction_count": pl.Int32(),
        "holding_count": pl.Int32(),
        "footnote_count": pl.Int32(),
        "unknown_element_count": pl.Int32(),
        "unparsed_values": UNPARSED,
        "raw_sha256": pl.String(),
        "raw_bytes": pl.Int64(),
        **_leaf_columns(DOCUMENT_LEAVES, added_later=True),
    }
)
FILING_OWNERS = pl.Schema(
    {
        "accession_number": pl.String(),
        "owner_position": pl.Int32(),
        **_leaf_columns(OWNER_LEAVES),
        **_leaf_columns(OWNER_LEAVES, added_later=True),
    }
)
TRANSACTIONS = row_schema(TRANSACTION_LEAVES)
HOLDINGS = row_schema(HOLDING_LEAVES)
FOOTNOTES = pl.Schema({"accession_number": pl.String(), "footnote_id": pl.String(), "footnote_text": pl.String()})
SIGNATURES = pl.Schema(
    {
        "accession_number": pl.String(),
        "line_number": pl.Int32(),
        "signature_name": pl.String(),
        "signature_date": pl.Date(),
    }
)
FILING_PARTIES = pl.Schema(
    {
        "accession_number": pl.String(),
        "party_position": pl.Int32(),
        "role": pl.String(),
        "cik": pl.Int64(),
        "name": pl.String(),
        **{column: pl.String() for column in HEADER_PARTY_FIELDS},
        "former_names": pl.List(pl.Struct({"former_name": pl.String, "date_of_change": pl.Date})),
        "header_values": pl.List(pl.Struct({"section": pl.String, "key": pl.String, "value": pl.String})),
    }
)
UNKNOWN_ELEMENTS = pl.Schema(
    {"accession_number": pl.String(), "element_number": pl.Int32(), "path": pl.String(), "xml": pl.String()}
)
INDEX_ENTRIES = pl.Schema(
    {
        "accession_number": pl.String(),
        "form_type": pl.String(),
        "date_filed": pl.Date(),
        "cik": pl.Int64(),
        "company_name": pl.String(),
        "file_name": pl.String(),
        "filer_ciks": pl.List(pl.Int64),
        "index_path": pl.String(),
        "index_line": pl.Int32(),
    }
)
INDEX_DAYS = pl.Schema(
    {
        "index_date": pl.Date(),
        "status": pl.String(),
        "index_path": pl.String(),
        "entry_count": pl.Int32(),
        "closure_reason": pl.String(),
    }
)

CALENDAR = pl.Schema(
    {
        "day": pl.Date(),
        "is_business_day": pl.Boolean(),
        "closure_reason": pl.String(),
        "business_day_number": pl.Int32(),
    }
)

# The tables one filing's load replaces as a whole, in load order.
FILING_TABLES: dict[str, pl.Schema] = {
    "filings": FILINGS,
    "filing_owners": FILING_OWNERS,
    "transactions": TRANSACTIONS,
    "holdings": HOLDINGS,
    "footnotes": FOOTNOTES,
    "signatures": SIGNATURES,
    "filing_parties": FILING_PARTIES,
    "unknown_elements": UNKNOWN_ELEMENTS,
}
# The filing tables whose rows also carry `filing_issuer_cik`: the issuer their filing names (filings.issuer_cik),
# copied onto each row by the load's SQL (sql/load/insert_filing_rows.sql), not parsed per line. A night looks its
# lines up by issuer first, and DuckDB skips the row groups of other issuers (docs/performance.md, issue 39); an
# accession alone, a string of one shape for every filing, skips none.
ISSUER_COPIED_TO = ("filing_owners", "transactions", "holdings", "footnotes", "filing_parties")
ISSUER_COPY = {"filing_issuer_cik": pl.Int64()}
# The schema version that added filing_issuer_cik (sql/migrations/0009_filing_issuer_on_rows.sql).
ISSUER_COPY_VERSION = 9


def _columns_added_after(version: int) -> set[str]:
    """The columns of the leaves a schema version after `version` added (and their footnote columns)."""
    leaves = (*DOCUMENT_LEAVES, *OWNER_LEAVES, *TRANSACTION_LEAVES, *HOLDING_LEAVES)
    later = {leaf.column for leaf in leaves if leaf.schema_version > version}
    return later | {f"{column}_footnote_ids" for column in later}


def stored_schema(table: str) -> pl.Schema:
    """The columns of `table` as the warehouse stores them, in the order its migrations added them: its frame's,
    with the issuer the load copies on where migration 9 put it, before the columns later versions append."""
    columns = list(ALL_TABLES[table].items())
    if table not in ISSUER_COPIED_TO:
        return pl.Schema(columns)
    later = _columns_added_after(ISSUER_COPY_VERSION)
    split = next((number for number, (name, _) in enumerate(columns) if name in later), len(columns))
    return pl.Schema([*columns[:split], *ISSUER_COPY.items(), *columns[split:]])


ALL_TABLES: dict[str, pl.Schema] = {
    **FILING_TABLES,
    "index_entries": INDEX_ENTRIES,
    "index_days": INDEX_DAYS,
    "calendar": CALENDAR,
}


def empty_frames() -> dict[str, pl.DataFrame]:
    """One empty, typed frame per filing table."""
    return {name: pl.DataFrame(schema=schema) for name, schema in FILING_TABLES.items()}


def _arrow_type(dtype: pl.DataType) -> pa.DataType:
    """The Arrow type Polars reads back as `dtype` (only the types these schemas use)."""
    if isinstance(dtype, pl.List):
        return pa.list_(_arrow_type(dtype.inner))
    if isinstance(dtype, pl.Struct):
        return pa.struct([(field.name, _arrow_type(field.dtype)) for field in dtype.fields])
    if isinstance(dtype, pl.Decimal):
        return pa.decimal128(dtype.precision, dtype.scale)
    if isinstance(dtype, pl.Datetime):
        return pa.timestamp(dtype.time_unit)
    simple = {
        pl.String: pa.string(),
        pl.Date: pa.date32(),
        pl.Boolean: pa.bool_(),
        pl.Int32: pa.int32(),
        pl.Int64: pa.int64(),
    }
    if dtype.base_type() not in simple:
        raise TypeError(f"no Arrow type is mapped for {dtype}")
    return simple[dtype.base_type()]


@cache
def _arrow_schema(schema_items: tuple[tuple[str, pl.DataType], ...]) -> pa.Schema:
    return pa.schema([(column, _arrow_type(dtype)) for column, dtype in schema_items])


def typed_frame(rows: Sequence[dict[str, Any]], schema: pl.Schema) -> pl.DataFrame:
    """Row dicts → a frame of exactly `schema`; a key a row lacks is null, a value of the wrong type raises.

    Built column by column through Arrow: Polars' own row reader converts every footnote-id list and header
    struct one Python object at a time, which cost a third of the whole parse; Arrow's converter does it in C++.
    """
    if not rows:
        return pl.DataFrame(schema=schema)
    try:
        columns: Sequence[Sequence[Any]] = list(zip(*map(itemgetter(*schema), rows), strict=True))
    except KeyError:  # some row leaves a column out: read it as null
        columns = [[row.get(column) for row in rows] for column in schema]
    return typed_columns(columns, schema)


# Types Polars reads from Python values faster than Arrow does (a third of the time for strings); Arrow is faster
# for the others (decimals, dates, times, lists), by as much as a hundred times for lists.
_READ_BY_POLARS = (pl.String, pl.Int64, pl.Int32, pl.Boolean)


def _compact_series(name: str, values: Sequence[Any], dtype: pl.DataType) -> pl.Series:
    if isinstance(dtype, pl.Decimal):
        return pl.Series(name, values, dtype=pl.String, strict=True).cast(dtype)
    # A null (no ids) has no items, so the same offsets without the null flags read it as []: a tenth of the cost
    # of fill_null, which took half a millisecond a column.
    ids = pa.array(values, type=pa.list_(pa.string()))
    return pl.Series(name, pa.ListArray.from_arrays(ids.offsets, ids.values))


def typed_columns(columns: Sequence[Sequence[Any]], schema: pl.Schema, compact: bool = False) -> pl.DataFrame:
    """Columns of Python values, in `schema`'s order → a frame of exactly `schema`; a value of the wrong type
    raises.

    `compact` columns (the compiled parser's) give decimals as their plain text (`1234.50`, read by Polars' exact
    cast) and an empty list of strings as None: both cost a fraction of a Decimal or a list object to make and to
    convert.
    """
    if not columns or not columns[0]:
        return pl.DataFrame(schema=schema)
    arrow_schema = _arrow_schema(tuple(schema.items()))
    series = [
        _compact_series(name, values, dtype)
        if compact and (isinstance(dtype, pl.Decimal) or dtype == FOOTNOTE_IDS)
        else pl.Series(name, values, dtype=dtype, strict=True)
        if dtype in _READ_BY_POLARS
        else pl.Series(name, pa.array(values, type=field.type))
        for (name, dtype), values, field in zip(schema.items(), columns, arrow_schema, strict=True)
    ]
    frame = pl.DataFrame(series)
    if frame.schema != schema:
        raise TypeError(f"read back {frame.schema}, not {schema}")
    return frame
