"""The SEC's Insider Transactions (Form 345) data sets: one quarter's TSVs as the warehouse's base-table frames.

The format as it really is (a real 2024q3 set: ../shared/edgar-real/f345-2024q3/): tab-separated, one line per row; a
value holding a `"` is CSV-quoted (wrapped in `"`, each inner `"` doubled: `"Restricted Stock Unit (""RSUs"")"`),
which is undone, while a `"` in a value that is not so wrapped is a character (`/s/ "Bob`) and never starts a field
that runs on; dates `DD-MON-YYYY` (read without the locale), `_FN` columns holding comma-separated footnote ids,
owners as REPORTINGOWNER rows with a multi-role RPTOWNER_RELATIONSHIP string, DERIV_TRANS spelling `EXCERCISE_DATE`,
`*_SK` a key per line. Columns differ by quarter and the set's own metadata json disagrees with the headers
(`EQUITY_SWAP_TRANS_CD_FN` in the file, `EQUITY_SWAP_INVOLVED_FN` in the json; `AFF10B5ONE` in some quarters only),
so columns are mapped by the header actually read; a column this module does not know is kept, value by value, in
`unknown_elements` (path `f345:<FILE>/<COLUMN>`), never dropped. What the sets do not carry (acceptance time, schema
version, the SGML header's parties, the raw bytes) stays NULL. A row whose accession SUBMISSION does not list has no
filing to belong to: it is left out and counted (`F345Quarter.orphan_rows`), never loaded half.

Line numbers: a filing's lines of one table are numbered 1, 2, … in the order of their `*_SK` key, which the SEC
assigns in document order (tests/test_f345.py checks it against the filings' own XML).
"""

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from transforms.ownership_fields import HOLDING_LEAVES, TRANSACTION_LEAVES
from transforms.tables import (
    FILING_OWNERS,
    FILING_TABLES,
    FILINGS,
    FOOTNOTES,
    SIGNATURES,
    UNKNOWN_ELEMENTS,
)

F345_TABLES = ("filings", "filing_owners", "transactions", "holdings", "footnotes", "signatures")

# The data set's eight files, by the stem of their name.
F345_FILES = (
    "SUBMISSION",
    "REPORTINGOWNER",
    "NONDERIV_TRANS",
    "NONDERIV_HOLDING",
    "DERIV_TRANS",
    "DERIV_HOLDING",
    "FOOTNOTES",
    "OWNER_SIGNATURE",
)

_LINE_COLUMNS = {
    "SECURITY_TITLE": "security_title",
    "CONV_EXERCISE_PRICE": "conversion_or_exercise_price",
    "TRANS_DATE": "transaction_date",
    "DEEMED_EXECUTION_DATE": "deemed_execution_date",
    "TRANS_FORM_TYPE": "transaction_form_type",
    "TRANS_CODE": "transaction_code",
    "EQUITY_SWAP_INVOLVED": "equity_swap_involved",
    "TRANS_TIMELINESS": "transaction_timeliness",
    "TRANS_SHARES": "transaction_shares",
    "TRANS_TOTAL_VALUE": "transaction_total_value",
    "TRANS_PRICEPERSHARE": "transaction_price_per_share",
    "TRANS_ACQUIRED_DISP_CD": "transaction_acquired_disposed_code",
    "EXERCISE_DATE": "exercise_date",
    "EXCERCISE_DATE": "exercise_date",  # DERIV_TRANS's spelling
    "EXPIRATION_DATE": "expiration_date",
    "UNDLYNG_SEC_TITLE": "underlying_security_title",
    "UNDLYNG_SEC_SHARES": "underlying_security_shares",
    "UNDLYNG_SEC_VALUE": "underlying_security_value",
    "SHRS_OWND_FOLWNG_TRANS": "shares_owned_following_transaction",
    "VALU_OWND_FOLWNG_TRANS": "value_owned_following_transaction",
    "DIRECT_INDIRECT_OWNERSHIP": "direct_or_indirect_ownership",
    "NATURE_OF_OWNERSHIP": "nature_of_ownership",
}
# The footnotes of <transactionCoding> (code and equity swap): the file's name and the metadata json's.
_CODING_FOOTNOTES = ("EQUITY_SWAP_TRANS_CD_FN", "EQUITY_SWAP_INVOLVED_FN", "TRANS_CODE_FN")

_SUBMISSION_COLUMNS = {
    "FILING_DATE": "filing_date",
    "PERIOD_OF_REPORT": "period_of_report",
    "DATE_OF_ORIG_SUB": "date_of_original_submission",
    "NO_SECURITIES_OWNED": "no_securities_owned",
    "NOT_SUBJECT_SEC16": "not_subject_to_section16",
    "FORM3_HOLDINGS_REPORTED": "form3_holdings_reported",
    "FORM4_TRANS_REPORTED": "form4_transactions_reported",
    "DOCUMENT_TYPE": "document_type",
    "ISSUERCIK": "issuer_cik",
    "ISSUERNAME": "issuer_name",
    "ISSUERTRADINGSYMBOL": "issuer_trading_symbol",
    "AFF10B5ONE": "aff10b5_one",
    "REMARKS": "remarks",
}
_OWNER_COLUMNS = {
    "RPTOWNERCIK": "owner_cik",
    "RPTOWNERNAME": "owner_name",
    "RPTOWNER_TITLE": "officer_title",
    "RPTOWNER_TXT": "other_text",
    "RPTOWNER_STREET1": "street1",
    "RPTOWNER_STREET2": "street2",
    "RPTOWNER_CITY": "city",
    "RPTOWNER_STATE": "state",
    "RPTOWNER_ZIPCODE": "zip_code",
    "RPTOWNER_STATE_DESC": "state_description",
}
# RPTOWNER_RELATIONSHIP lists the roles, comma-separated: "Director,TenPercentOwner".
_ROLES = {
    "director": "is_director",
    "officer": "is_officer",
    "tenpercentowner": "is_ten_percent_owner",
    "other": "is_other",
}
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


class F345FormatError(ValueError):
    """A file of the data set that cannot be read as one: the message names the file and what is wrong."""


@dataclass(frozen=True)
class MalformedLine:
    """A line of a TSV whose number of fields is not its header's: not read, and its filing left out whole."""

    file: str
    line_number: int  # in the file, the header being line 1
    accession_number: str | None  # the line's first field if it is one, else that of the last line read before it
    fields: int
    expected: int

    def describe(self) -> str:
        return f"{self.file}.tsv line {self.line_number} has {self.fields} fields, its header {self.expected}"


def read_tsv(name: str, data: bytes) -> tuple[pl.DataFrame, list[MalformedLine]]:
    """One TSV of the set, every column text: quoted values unquoted (`unquoted`), empty fields NULL, bytes not
    UTF-8 replaced; and its malformed lines. Every real line has exactly the header's fields; one with more or
    fewer (a tab or a line break inside a field, a line cut short) would shift or blank its fields, so it is
    returned instead of read."""
    if not data or data.isspace():  # (not `strip()`: a copy of a file of up to hundreds of MB)
        raise F345FormatError(f"{name}: the file is empty (a download cut short?)")
    header_end = data.find(b"\n")
    header_tabs = data.count(b"\t", 0, header_end if header_end >= 0 else len(data))
    try:
        frame = _read_text_columns(data)
    except pl.exceptions.ComputeError:  # a line with more fields than the header
        frame = None
    # Polars refuses a longer line, so the tabs add up to the header's per line only if no line is shorter.
    if frame is None or data.count(b"\t") != header_tabs * (frame.height + 1):
        data, malformed = _without_malformed(name, data, header_tabs)
        frame = _read_text_columns(data)
    else:
        malformed = []
    if "ACCESSION_NUMBER" not in frame.columns:
        raise F345FormatError(f"{name}: no ACCESSION_NUMBER column in its header {frame.columns[:5]}")
    if b'"' in data:
        frame = unquoted(frame)
    return frame, malformed


def unquoted(frame: pl.DataFrame) -> pl.DataFrame:
    """Every value the SEC wrapped in CSV quotes as it was filed: `"A (""B"")"` is `A ("B")`.

    A value is quoted when it starts and ends with `"` and every `"` between is doubled; anything else holding a
    `"` (`/s/ "Bob`, `5" pipe`) is taken as it is. The sets quote no value that does not hold a `"`, but `""`
    (quoted and empty) is read as an empty field, NULL. Only the columns holding a `"` are rewritten.
    """
    quoted = frame.select(pl.col(pl.String).str.contains('"', literal=True).any()).row(0, named=True)
    columns = [name for name, holds in quoted.items() if holds]
    return frame.with_columns(_unquoted(name) for name in columns) if columns else frame


def _unquoted(column: str) -> pl.Expr:
    value = pl.col(column)
    inner = value.str.slice(1, value.str.len_chars() - 2)
    wrapped = value.str.starts_with('"') & value.str.ends_with('"') & (value.str.len_chars() >= 2)
    doubled_only = ~inner.str.replace_all('""', "", literal=True).str.contains('"', literal=True)
    text = inner.str.replace_all('""', '"', literal=True)
    return (
        pl.when(wrapped & doubled_only)
        .then(pl.when(text == "").then(None).otherwise(text))
        .otherwise(value)
        .alias(column)
    )


def _read_text_columns(data: bytes) -> pl.DataFrame:
    return pl.read_csv(
        io.BytesIO(data),
        separator="\t",
        quote_char=None,
        infer_schema=False,
        encoding="utf8-lossy",
        truncate_ragged_lines=False,
    )


_ACCESSION = re.compile(rb"\d{10}-\d{2}-\d{6}")


def _without_malformed(name: str, data: bytes, header_tabs: int) -> tuple[bytes, list[MalformedLine]]:
    """`data` less its lines whose tab count is not the header's (blank lines aside), and those lines. Only for a
    file that has some: it goes line by line."""
    kept, malformed, accession = [], [], None
    for number, line in enumerate(data.split(b"\n"), start=1):
        first = line.split(b"\t", 1)[0].strip()
        if _ACCESSION.fullmatch(first):  # a continuation line belongs to the last accession seen before it
            accession = first.decode("ascii")
        tabs = line.count(b"\t")
        if number == 1 or tabs == header_tabs:
            kept.append(line)
        elif line.strip():
            malformed.append(MalformedLine(name, number, accession, tabs + 1, header_tabs + 1))
    return b"\n".join(kept), malformed


def _date(column: str) -> pl.Expr:
    """DD-MON-YYYY with English month abbreviations, whatever the locale: the month is looked up, not parsed."""
    text = pl.col(column).str.strip_chars().str.to_uppercase()
    month = text.str.slice(3, 3).replace_strict(
        list(_MONTHS), [f"{number:02d}" for number in range(1, 13)], default=None
    )
    iso = pl.concat_str([text.str.slice(7, 4), month, text.str.slice(0, 2)], separator="-")
    return iso.str.to_date("%Y-%m-%d", strict=False)


def _typed(column: str, dtype: pl.DataType) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    if dtype == pl.Date:
        return _date(column)
    if isinstance(dtype, pl.Decimal):
        return text.cast(dtype, strict=False)
    if dtype == pl.Boolean:
        lowered = text.str.to_lowercase()
        return pl.when(lowered.is_in(["1", "true"])).then(True).when(lowered.is_in(["0", "false"])).then(False)
    if dtype == pl.Int64:
        return text.cast(pl.Int64, strict=False)
    if dtype == pl.List(pl.String):  # "F1,F2"; an empty field is no footnote ([]), as the XML path gives it
        ids = text.str.split(",").list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
        return ids.fill_null(pl.lit([], dtype=pl.List(pl.String)))
    return pl.col(column)


LEFT_OUT_SCHEMA = pl.Schema({"accession_number": pl.String, "issuer_cik": pl.Int64, "reason": pl.String})


@dataclass(frozen=True)
class F345Quarter:
    """A quarter's rows in the shape of the filing tables, and what of it was not understood."""

    frames: dict[str, pl.DataFrame]
    unknown_columns: list[tuple[str, str]]  # (file, column) kept in unknown_elements
    unparsed_values: dict[str, int]  # "<table>.<column>" → values that did not parse as its type (NULL in the row)
    carried: dict[str, list[str]]  # table → the warehouse columns the set's files filled (the rest stay NULL)
    table_kinds: dict[str, list[str]]  # transactions / holdings → the table kinds whose file the set had
    orphan_rows: dict[str, int]  # table → rows whose accession SUBMISSION does not list (left out, counted)
    malformed_lines: list[MalformedLine] = field(default_factory=list)  # not read; their filings left out whole
    # The filings left out for a malformed line: accession_number, issuer_cik (if SUBMISSION gave it), reason.
    left_out: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LEFT_OUT_SCHEMA))


def _absent(name: str, dtype: pl.DataType, lines: bool) -> pl.Expr:
    """A column the file lacks: NULL (not carried), except a line's footnote ids, which the filing path gives as
    [] for every field of a line, applicable or not (a non-derivative line has no exercise price to annotate)."""
    if lines and name.endswith("_footnote_ids"):
        return pl.lit([], dtype=dtype).alias(name)
    return pl.lit(None, dtype).alias(name)


def _shape(frame: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """`frame`'s columns typed as `schema`, the columns it lacks as `_absent` says, in the schema's order."""
    lines = "line_number" in schema and "table_kind" in schema
    return frame.select(
        [
            _typed(name, dtype).cast(dtype).alias(name) if name in frame.columns else _absent(name, dtype, lines)
            for name, dtype in schema.items()
        ]
    )


# The `<value>` leaves of each lines table, in the order the XML path lists them in values_given_by_footnote.
_WRAPPED_COLUMNS = {
    "transactions": tuple(leaf.column for leaf in TRANSACTION_LEAVES if leaf.wrapped),
    "holdings": tuple(leaf.column for leaf in HOLDING_LEAVES if leaf.wrapped),
}


def _with_values_given_by_footnote(lines: pl.DataFrame, table: str) -> pl.DataFrame:
    """values_given_by_footnote as the XML path fills it: the columns whose value is empty and whose `_FN`
    column names footnotes (the filer gave the value in a footnote, e.g. "see footnote 3" for a price)."""
    given = [
        pl.when(pl.col(column).is_null() & (pl.col(f"{column}_footnote_ids").list.len() > 0))
        .then(pl.lit(column))
        .otherwise(pl.lit(None, pl.String))
        for column in _WRAPPED_COLUMNS[table]
    ]
    return lines.with_columns(pl.concat_list(given).list.drop_nulls().alias("values_given_by_footnote"))


def unparsed_counts(raw: pl.DataFrame, typed: pl.DataFrame, schema: pl.Schema) -> dict[str, int]:
    """Per typed column of `schema`, the non-empty text values of `raw` (renamed, untyped) that `typed` (its rows,
    shaped) holds as NULL: values that did not parse. Compared with the typed frame, not typed a second time."""
    checked = [
        name
        for name, dtype in schema.items()
        if name in raw.columns and raw.schema[name] == pl.String and dtype != pl.String and dtype != pl.List(pl.String)
    ]
    if not checked:
        return {}
    given = raw.select([(pl.col(name).str.strip_chars().str.len_chars() > 0).alias(name) for name in checked])
    counts = {name: int((given[name] & typed[name].is_null()).sum()) for name in checked}
    return {name: count for name, count in counts.items() if count}


def _renamed(frame: pl.DataFrame, mapping: Mapping[str, str], schema: pl.Schema) -> tuple[pl.DataFrame, list[str]]:
    """Columns renamed to the warehouse's (`X` by mapping, `X_FN` to `<x>_footnote_ids`); the unknown listed."""
    renames, unknown = {}, []
    for column in frame.columns:
        base = column.removesuffix("_FN")
        if column in ("ACCESSION_NUMBER",) or column.endswith("_SK"):
            continue
        if column in _CODING_FOOTNOTES and "transaction_coding_footnote_ids" in schema:
            renames[column] = "transaction_coding_footnote_ids"
        elif column in mapping and mapping[column] in schema:
            renames[column] = mapping[column]
        elif column.endswith("_FN") and base in mapping and f"{mapping[base]}_footnote_ids" in schema:
            renames[column] = f"{mapping[base]}_footnote_ids"
        else:
            unknown.append(column)
    return frame.rename({"ACCESSION_NUMBER": "accession_number", **renames}), unknown


def _lines(frame: pl.DataFrame, table_kind: str, schema: pl.Schema) -> tuple[pl.DataFrame, list[str]]:
    """A lines file renamed, numbered per filing in the order of its *_SK key (document order)."""
    key = next((column for column in frame.columns if column.endswith("_SK")), None)
    numbered = frame.with_columns(
        _positions(frame, pl.col(key).cast(pl.Int64, strict=False) if key else None).alias("line_number"),
        pl.lit(table_kind).alias("table_kind"),
    )
    renamed, unknown = _renamed(numbered, _LINE_COLUMNS, schema)
    return renamed, [column for column in unknown if column not in ("line_number", "table_kind")]


def _owners(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """REPORTINGOWNER renamed, its multi-role RPTOWNER_RELATIONSHIP ("Director,TenPercentOwner") as flags."""
    numbered = _numbered(frame, "owner_position")
    if "RPTOWNER_RELATIONSHIP" in frame.columns:
        listed = pl.col("RPTOWNER_RELATIONSHIP").str.to_lowercase().str.replace_all(r"[^a-z,]", "").str.split(",")
        numbered = numbered.with_columns(listed.alias("_roles")).with_columns(
            pl.when(pl.col("_roles").list.contains(role))
            .then(pl.lit("1"))
            .when(pl.col("_roles").is_not_null())
            .then(pl.lit("0"))
            .alias(column)
            for role, column in _ROLES.items()
        )
        numbered = numbered.drop("_roles")
    renamed, unknown = _renamed(numbered, _OWNER_COLUMNS, FILING_OWNERS)
    known = {"owner_position", "RPTOWNER_RELATIONSHIP", *_ROLES.values()}
    return renamed, [column for column in unknown if column not in known]


def _numbered(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    return frame.with_columns(_positions(frame).cast(pl.String).alias(column))


def _positions(frame: pl.DataFrame, key: pl.Expr | None = None) -> pl.Series:
    """1, 2, … within each ACCESSION_NUMBER, in the order of `key` (NULL first), then of the file, aligned with
    `frame`'s rows. Only the accession, key and row index are sorted, and runs numbered: several times faster than
    sorting the wide frame or a window over it."""
    narrow = frame.select("ACCESSION_NUMBER", (key if key is not None else pl.lit(0)).alias("_key"))
    ordered = narrow.with_row_index("_row").sort(["ACCESSION_NUMBER", "_key", "_row"])
    index = pl.int_range(pl.len(), dtype=pl.Int32)
    starts = pl.col("ACCESSION_NUMBER").ne_missing(pl.col("ACCESSION_NUMBER").shift(1)) | (index == 0)
    numbered = ordered.with_columns((index - pl.when(starts).then(index).forward_fill() + 1).alias("_position"))
    return numbered.sort("_row")["_position"]


def _unknown_values(files: Mapping[str, pl.DataFrame], unknown: list[tuple[str, str]]) -> pl.DataFrame:
    """Every non-empty value of a column not understood, one row each (path `f345:<FILE>/<COLUMN>`)."""
    parts = [
        files[name]
        .select(pl.col("ACCESSION_NUMBER").alias("accession_number"), pl.col(column).alias("xml"))
        .filter(pl.col("xml").is_not_null())
        .with_columns(pl.lit(f"f345:{name}/{column}").alias("path"))
        for name, column in unknown
    ]
    if not parts:
        return pl.DataFrame(schema=UNKNOWN_ELEMENTS)
    values = pl.concat(parts).with_columns(
        pl.int_range(1, pl.len() + 1).over("accession_number").cast(pl.Int32).alias("element_number")
    )
    return values.select(list(UNKNOWN_ELEMENTS))


_LINE_FILES = (
    ("NONDERIV_TRANS", "transactions", "non_derivative"),
    ("DERIV_TRANS", "transactions", "derivative"),
    ("NONDERIV_HOLDING", "holdings", "non_derivative"),
    ("DERIV_HOLDING", "holdings", "derivative"),
)
# The filing tables a data set fills (it has no SGML header: no filing_parties).
_SCHEMAS = {table: FILING_TABLES[table] for table in F345_TABLES}


def quarter_frames(files: Mapping[str, bytes]) -> F345Quarter:
    """A quarter's TSVs (file stem → bytes; a file not given is empty) as the filing tables' frames. With a
    SUBMISSION file, only the rows of the accessions it lists (a zip always has one; a test may give one file)."""
    read: dict[str, pl.DataFrame] = {}
    malformed: list[MalformedLine] = []
    for name, data in files.items():
        if name in F345_FILES:
            read[name], bad_lines = read_tsv(name, data)
            malformed += bad_lines
    renamed: dict[str, list[pl.DataFrame]] = {table: [] for table in _SCHEMAS}
    unknown: list[tuple[str, str]] = []

    def add(name: str, table: str, result: tuple[pl.DataFrame, list[str]]) -> None:
        renamed[table].append(result[0])
        unknown.extend((name, column) for column in result[1])

    for name, table, kind in _LINE_FILES:
        if name in read:
            add(name, table, _lines(read[name], kind, _SCHEMAS[table]))
    if "REPORTINGOWNER" in read:
        add("REPORTINGOWNER", "filing_owners", _owners(read["REPORTINGOWNER"]))
    if "FOOTNOTES" in read:
        footnote_columns = {"FOOTNOTE_ID": "footnote_id", "FOOTNOTE_TXT": "footnote_text"}
        add("FOOTNOTES", "footnotes", _renamed(read["FOOTNOTES"], footnote_columns, FOOTNOTES))
    if "OWNER_SIGNATURE" in read:
        signature_columns = {"OWNERSIGNATURENAME": "signature_name", "OWNERSIGNATUREDATE": "signature_date"}
        numbered = _numbered(read["OWNER_SIGNATURE"], "line_number")
        name_and_unknown = _renamed(numbered, signature_columns, SIGNATURES)
        add(
            "OWNER_SIGNATURE",
            "signatures",
            (name_and_unknown[0], [c for c in name_and_unknown[1] if c != "line_number"]),
        )
    if "SUBMISSION" in read:
        submission, columns = _renamed(read["SUBMISSION"], _SUBMISSION_COLUMNS, FILINGS)
        if "document_type" in submission.columns:
            submission = submission.with_columns(pl.col("document_type").alias("form_type"))
        add("SUBMISSION", "filings", (submission, columns))

    frames: dict[str, pl.DataFrame] = {}
    unparsed: dict[str, int] = {}
    for table, schema in _SCHEMAS.items():
        parts = []
        for frame in renamed[table]:
            shaped = _shape(frame, schema)
            parts.append(_with_values_given_by_footnote(shaped, table) if table in _WRAPPED_COLUMNS else shaped)
            for column, count in unparsed_counts(frame, parts[-1], schema).items():
                unparsed[f"{table}.{column}"] = unparsed.get(f"{table}.{column}", 0) + count
        frames[table] = pl.concat(parts) if parts else pl.DataFrame(schema=schema)
    frames["filings"] = _with_counts(frames)
    frames["unknown_elements"] = _unknown_values(read, unknown)
    frames, orphans = _without_orphans(frames) if "SUBMISSION" in read else (frames, {})
    left_out = _left_out(malformed, frames["filings"])
    frames = _without_accessions(frames, set(left_out["accession_number"]))
    carried = {
        table: sorted({column for frame in renamed[table] for column in frame.columns if column in _SCHEMAS[table]})
        for table in _SCHEMAS
    }
    carried["filings"] = sorted(
        set(carried["filings"]) - {"owner_count", "transaction_count", "holding_count", "footnote_count"}
    )
    for table in _WRAPPED_COLUMNS:
        if renamed[table]:
            carried[table] = sorted({*carried[table], "values_given_by_footnote"})
    kinds = {
        table: [kind for name, line_table, kind in _LINE_FILES if line_table == table and name in read]
        for table in ("transactions", "holdings")
    }
    return F345Quarter(frames, unknown, unparsed, carried, kinds, orphans, malformed, left_out)


def _left_out(malformed: list[MalformedLine], filings: pl.DataFrame) -> pl.DataFrame:
    """The filings of the malformed lines (the first line of each as the reason), with their issuer if SUBMISSION
    gave it: enough to fetch them from EDGAR instead."""
    if not malformed:
        return pl.DataFrame(schema=LEFT_OUT_SCHEMA)
    reasons: dict[str, str] = {}
    for line in malformed:
        if line.accession_number is not None:
            reasons.setdefault(line.accession_number, line.describe())
    left_out = pl.DataFrame(
        {"accession_number": list(reasons), "reason": list(reasons.values())},
        schema={"accession_number": pl.String, "reason": pl.String},
    )
    issuers = filings.select("accession_number", pl.col("issuer_cik").cast(pl.Int64)).unique("accession_number")
    return left_out.join(issuers, on="accession_number", how="left").select(list(LEFT_OUT_SCHEMA))


def _without_accessions(frames: dict[str, pl.DataFrame], accessions: set[str]) -> dict[str, pl.DataFrame]:
    """The frames less every row of `accessions`: a filing with a malformed line is left out whole, never loaded
    with a line missing or its fields shifted."""
    if not accessions:
        return frames
    left_out = pl.Series(sorted(accessions), dtype=pl.String).implode()
    return {table: frame.filter(~pl.col("accession_number").is_in(left_out)) for table, frame in frames.items()}


def _without_orphans(frames: dict[str, pl.DataFrame]) -> tuple[dict[str, pl.DataFrame], dict[str, int]]:
    """The frames less the rows of an accession SUBMISSION does not list (or of none at all), and how many each
    table lost: a filing's rows are only ever loaded with its `filings` row, and the set has nothing else to say
    what such a row belongs to. Only a table that has such rows is copied."""
    listed = frames["filings"]["accession_number"].drop_nulls()
    kept, orphans = dict(frames), {}
    for table, frame in frames.items():
        if frame.is_empty():
            continue
        accessions = frame["accession_number"]
        belongs = (
            accessions.is_not_null() if table == "filings" else accessions.is_in(listed.implode()).fill_null(False)
        )
        if not belongs.all():
            orphans[table] = frame.height - int(belongs.sum())
            kept[table] = frame.filter(belongs)
    return kept, orphans


def _with_counts(frames: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """filings with the number of owners, lines and footnotes each has in the set: one grouping of the four
    tables' accessions, tagged by table, and one join (four of each took twice as long)."""
    tagged = pl.concat(
        frames[table].select("accession_number", pl.lit(number, pl.UInt8).alias("_of"))
        for number, (_, table) in enumerate(_COUNTED)
    )
    per_filing = tagged.group_by("accession_number").agg(
        (pl.col("_of") == number).sum().cast(pl.Int32).alias(column) for number, (column, _) in enumerate(_COUNTED)
    )
    counts = [column for column, _ in _COUNTED]
    return (
        frames["filings"]
        .drop(counts)
        .join(per_filing, on="accession_number", how="left")
        .with_columns(pl.col(counts).fill_null(0))
        .select(list(FILINGS))
    )


_COUNTED = (
    ("owner_count", "filing_owners"),
    ("transaction_count", "transactions"),
    ("holding_count", "holdings"),
    ("footnote_count", "footnotes"),
)
