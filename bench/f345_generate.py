"""Form 345 data sets generated in the SEC's real format: whole quarters for the benchmarks, and the three files the
shared 2024q3 set lacks (NONDERIV_TRANS, REPORTINGOWNER, FOOTNOTES) for the tests.

    .venv/bin/python -m bench.f345_generate --quarters 2024q1:2024q4 --submissions 70000 --out /tmp/f345

The format is the real one (../shared/edgar-real/f345-2024q3 and its FORM_345_metadata.json): tab-separated, a value
holding a `"` CSV-quoted (wrapped in `"`, inner ones doubled) and no other, `DD-MON-YYYY` dates, comma-separated
footnote ids in `_FN` columns, 10-digit zero-padded CIKs, a `*_SK` key rising in document order, a multi-role
RPTOWNER_RELATIONSHIP string, DERIV_TRANS's `EXCERCISE_DATE` and the physical `EQUITY_SWAP_TRANS_CD_FN` header. Some
names and footnotes hold a `"`, so the files carry quoted values as the real ones do. Columns follow the metadata
json's order, with the physical names where the two disagree.

Owners repeat: each issuer has a handful of insiders, drawn from the issuer's CIK, so quarter after quarter the same
owner groups file for the same issuers and build histories, as real ones do. Balances chain within a filing.
"""

import argparse
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import numpy as np
import polars as pl

from transforms.f345.files import zip_name
from transforms.f345.reader import unquoted
from transforms.quarters import next_quarter_start, quarter_label, quarter_start

METADATA = Path(__file__).resolve().parent.parent / "fixtures" / "f345-2024q3-sample" / "FORM_345_metadata.json"
# Where the real files' headers differ from the metadata json: a name the json gives, and the one the files use.
PHYSICAL_NAMES = {"EQUITY_SWAP_INVOLVED_FN": "EQUITY_SWAP_TRANS_CD_FN"}
# Columns the json describes that the real files do not have.
ABSENT_FROM_FILES = {"CONTACT_NAME", "CONTACT_PHONE_NUMBER", "CONTACT_EMAIL_ADDRESS", "NOTIFICATION_EMAIL_ADDRESS"}


def file_columns() -> dict[str, list[str]]:
    """Each file's header as the real files write it: the metadata json's columns and order, physical names."""
    tables = json.loads(METADATA.read_text(encoding="utf-8"))["tables"]
    return {
        table["url"].removesuffix(".tsv"): [
            PHYSICAL_NAMES.get(column["name"], column["name"])
            for column in table["tableSchema"]["columns"]
            if column["name"] not in ABSENT_FROM_FILES
        ]
        for table in tables
    }


COLUMNS = file_columns()
INSIDERS_PER_ISSUER = 6
_RELATIONSHIPS = np.array(
    ["Director", "Officer", "TenPercentOwner", "Other", "Director,Officer", "Director,TenPercentOwner", "Officer"]
)
_SURNAMES = np.array(["Smith", "Garcia", "O'Brien", 'Lee "Kim"', "Nguyen", "Rossi", "Schmidt", "Okafor"])
_TITLES = np.array(["Common Stock", "Class A Common Stock", "Common Stock, $0.001 par value"])
_CODES = np.array(["P", "S", "A", "M", "F", "G"])
_DISPOSED = {"S", "F", "G"}
_TRUSTS = np.array(["By Trust", "By Spouse", "See Footnote", "By LLC"])


def _pick(number: pl.Expr, choices: np.ndarray) -> pl.Expr:
    """The choice `number` modulo their count names: the same number, the same choice."""
    return (number % len(choices)).replace_strict(
        list(range(len(choices))), [str(c) for c in choices], return_dtype=pl.String
    )


def dd_mon_yyyy(column: pl.Expr) -> pl.Expr:
    """A date as the data sets write it, 27-SEP-2024 (the month in English whatever the locale)."""
    return column.dt.strftime("%d-%b-%Y").str.to_uppercase()


def cik_text(column: pl.Expr) -> pl.Expr:
    return column.cast(pl.String).str.zfill(10)


def owner_ciks(issuer_ciks: np.ndarray, insider: np.ndarray) -> np.ndarray:
    """The issuer's `insider`-th insider: the same number every quarter, so owner groups gather history."""
    return 1_800_000_000 + (issuer_ciks * INSIDERS_PER_ISSUER + insider) % 190_000_000


def reporting_owners(submissions: pl.DataFrame, rng: np.random.Generator, per_filing: bool = False) -> pl.DataFrame:
    """One to three insiders per submission, drawn among its issuer's few (distinct within a filing), or with
    `per_filing` insiders of the filing's own (a real set's lines are not mixed into invented histories); one
    surname in eight carries a `"`."""
    counts = rng.choice([1, 1, 1, 1, 1, 1, 2, 3], size=submissions.height)
    first = rng.integers(0, INSIDERS_PER_ISSUER, size=submissions.height)
    rows = submissions.select("ACCESSION_NUMBER", "ISSUERCIK", pl.Series("first", first), pl.Series("owners", counts))
    rows = rows.select(pl.all().repeat_by("owners").explode()).drop("owners")
    rows = rows.with_columns(pl.int_range(pl.len()).over("ACCESSION_NUMBER").alias("position"))
    issuer = rows["ISSUERCIK"].cast(pl.Int64).to_numpy()
    insider = (rows["first"].to_numpy() + rows["position"].to_numpy()) % INSIDERS_PER_ISSUER
    ciks = pl.Series(owner_ciks(issuer, insider))
    if per_filing:
        ciks = 1_800_000_000 + rows.select(pl.concat_str("ACCESSION_NUMBER", "position").hash() % 190_000_000)[:, 0]
    owners = pl.DataFrame({"ACCESSION_NUMBER": rows["ACCESSION_NUMBER"], "cik": ciks.cast(pl.Int64)}).with_columns(
        _pick(pl.col("cik"), _RELATIONSHIPS).alias("roles"),
        _pick(pl.col("cik"), _SURNAMES).alias("surname"),
    )
    return owners.select(
        "ACCESSION_NUMBER",
        cik_text(pl.col("cik")).alias("RPTOWNERCIK"),
        pl.format("{} Person{}", pl.col("surname"), pl.col("cik") % 9973).alias("RPTOWNERNAME"),
        pl.col("roles").alias("RPTOWNER_RELATIONSHIP"),
        pl.when(pl.col("roles").str.contains("Officer"))
        .then(pl.lit("Chief Financial Officer"))
        .alias("RPTOWNER_TITLE"),
        pl.format("{} Main Street", pl.col("cik") % 999 + 1).alias("RPTOWNER_STREET1"),
        pl.lit("Springfield").alias("RPTOWNER_CITY"),
        pl.lit("IL").alias("RPTOWNER_STATE"),
        pl.lit("62701").alias("RPTOWNER_ZIPCODE"),
    )


def nonderivative_transactions(
    submissions: pl.DataFrame,
    rng: np.random.Generator,
    first_key: int,
    mean_lines: float = 2.0,
    real_lines: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Form 4 and 5 lines: one to several per filing, balances chaining line to line (± shares by the A/D code).
    Filings listed in `real_lines` (a real set's Table I holdings) get none: invented lines beside real ones would
    make positions no filer reported."""
    filers = submissions.filter(
        pl.col("DOCUMENT_TYPE").str.starts_with("4") | pl.col("DOCUMENT_TYPE").str.starts_with("5")
    )
    if real_lines is not None:
        filers = filers.join(real_lines, on="ACCESSION_NUMBER", how="anti")
    counts = np.maximum(1, rng.poisson(mean_lines, size=filers.height))
    rows = filers.select("ACCESSION_NUMBER", "PERIOD_OF_REPORT", "DOCUMENT_TYPE", pl.Series("n", counts))
    rows = rows.select(pl.all().repeat_by("n").explode()).drop("n")
    size = rows.height
    code = _CODES[rng.integers(0, len(_CODES), size=size)]
    disposed = np.isin(code, list(_DISPOSED))
    shares = rng.integers(1, 50_000, size=size)
    indirect = rng.random(size) < 0.2
    start = rng.integers(0, 2_000_000, size=size)
    signed = np.where(disposed, -shares, shares)
    frame = rows.with_columns(
        pl.Series("shares", shares),
        pl.Series("signed", signed),
        pl.Series("start", start),
        pl.Series("code", code),
        pl.Series("indirect", indirect),
        pl.Series("title", _TITLES[rng.integers(0, len(_TITLES), size=size)]),
        pl.Series("price", rng.integers(100, 50_000, size=size) / 100),
        pl.Series("days_before", rng.integers(0, 3, size=size)),
    ).with_columns(
        # the balance chains: the first line's start (large enough for any sale) plus every signed amount so far
        (
            pl.col("start").first().over("ACCESSION_NUMBER")
            + 2_000_000
            + pl.col("signed").cum_sum().over("ACCESSION_NUMBER")
        ).alias("balance"),
        pl.col("PERIOD_OF_REPORT").str.to_date("%d-%b-%Y").alias("period"),
    )
    footnoted = rng.random(size) < 0.25
    return frame.select(
        "ACCESSION_NUMBER",
        (pl.int_range(pl.len()) + first_key).cast(pl.String).alias("NONDERIV_TRANS_SK"),
        pl.col("title").alias("SECURITY_TITLE"),
        pl.lit(None, pl.String).alias("SECURITY_TITLE_FN"),
        dd_mon_yyyy(pl.col("period") - pl.duration(days=pl.col("days_before"))).alias("TRANS_DATE"),
        pl.lit(None, pl.String).alias("TRANS_DATE_FN"),
        pl.lit(None, pl.String).alias("DEEMED_EXECUTION_DATE"),
        pl.lit(None, pl.String).alias("DEEMED_EXECUTION_DATE_FN"),
        pl.col("DOCUMENT_TYPE").str.slice(0, 1).alias("TRANS_FORM_TYPE"),
        pl.col("code").alias("TRANS_CODE"),
        pl.lit("0").alias("EQUITY_SWAP_INVOLVED"),
        pl.lit(None, pl.String).alias("EQUITY_SWAP_TRANS_CD_FN"),
        pl.lit(None, pl.String).alias("TRANS_TIMELINESS"),
        pl.lit(None, pl.String).alias("TRANS_TIMELINESS_FN"),
        (pl.col("shares").cast(pl.String) + ".0").alias("TRANS_SHARES"),
        pl.lit(None, pl.String).alias("TRANS_SHARES_FN"),
        pl.col("price").cast(pl.String).alias("TRANS_PRICEPERSHARE"),
        pl.when(pl.Series(footnoted)).then(pl.lit("F1")).alias("TRANS_PRICEPERSHARE_FN"),
        pl.when(pl.col("signed") < 0).then(pl.lit("D")).otherwise(pl.lit("A")).alias("TRANS_ACQUIRED_DISP_CD"),
        pl.lit(None, pl.String).alias("TRANS_ACQUIRED_DISP_CD_FN"),
        (pl.col("balance").cast(pl.String) + ".0").alias("SHRS_OWND_FOLWNG_TRANS"),
        pl.lit(None, pl.String).alias("SHRS_OWND_FOLWNG_TRANS_FN"),
        pl.lit(None, pl.String).alias("VALU_OWND_FOLWNG_TRANS"),
        pl.lit(None, pl.String).alias("VALU_OWND_FOLWNG_TRANS_FN"),
        pl.when(pl.col("indirect")).then(pl.lit("I")).otherwise(pl.lit("D")).alias("DIRECT_INDIRECT_OWNERSHIP"),
        pl.lit(None, pl.String).alias("DIRECT_INDIRECT_OWNERSHIP_FN"),
        pl.when(pl.col("indirect")).then(pl.lit("By Trust")).alias("NATURE_OF_OWNERSHIP"),
        pl.when(pl.col("indirect")).then(pl.lit("F2")).alias("NATURE_OF_OWNERSHIP_FN"),
    )


def footnotes(line_files: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """A text for every footnote id any line cites (`F1,F2` split), one row per filing and id; one in ten texts
    has a `"` of its own."""
    cited = [
        frame.select("ACCESSION_NUMBER", pl.col(column).str.split(",").alias("FOOTNOTE_ID"))
        .explode("FOOTNOTE_ID")
        .filter(pl.col("FOOTNOTE_ID").is_not_null() & (pl.col("FOOTNOTE_ID") != ""))
        for frame in line_files.values()
        for column in frame.columns
        if column.endswith("_FN")
    ]
    if not cited:
        return pl.DataFrame(schema={column: pl.String for column in COLUMNS["FOOTNOTES"]})
    ids = pl.concat(cited).unique().sort("ACCESSION_NUMBER", "FOOTNOTE_ID")
    number = pl.concat_str("ACCESSION_NUMBER", "FOOTNOTE_ID").hash() % 1000
    text = (
        pl.when(number % 10 == 0)
        .then(
            pl.format('The "{}" fund holds these shares; the reporting person disclaims beneficial ownership.', number)
        )
        .otherwise(pl.format("Held by the Family Trust no. {}; the reporting person is its trustee.", number))
    )
    return ids.with_columns(text.alias("FOOTNOTE_TXT"))


def write_tsv(frame: pl.DataFrame, path: Path, name: str) -> None:
    """As the SEC writes them: a header, tabs, empty for NULL, and a value holding a `"` wrapped in `"` with each
    inner `"` doubled (`"Restricted Stock Unit (""RSUs"")"`); no other value is quoted."""
    ordered = frame.select(
        [
            _sec_quoted(column) if column in frame.columns else pl.lit(None, pl.String).alias(column)
            for column in COLUMNS[name]
        ]
    )
    ordered.write_csv(path, separator="\t", quote_style="never", null_value="", include_header=True)


def _sec_quoted(column: str) -> pl.Expr:
    value = pl.col(column).cast(pl.String)
    quoted = pl.concat_str(pl.lit('"'), value.str.replace_all('"', '""', literal=True), pl.lit('"'))
    return pl.when(value.str.contains('"', literal=True)).then(quoted).otherwise(value).alias(column)


def read_set(folder: Path) -> dict[str, pl.DataFrame]:
    """A data set's TSVs as text frames, by the same reading rules as transforms/f345/reader.read_tsv (quotes
    undone)."""
    return {
        path.stem: unquoted(pl.read_csv(path, separator="\t", quote_char=None, infer_schema=False))
        for path in sorted(folder.glob("*.tsv"))
    }


def complete_quarter(source: Path, target: Path, seed: int = 0) -> list[str]:
    """Copy the set in `source` to `target` and write the files among NONDERIV_TRANS, REPORTINGOWNER and FOOTNOTES it
    lacks, for every one of its submissions; returns the names written. Real files are copied byte for byte; each
    filing gets owners of its own and no invented line beside a real Table I holding."""
    target.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if path.is_file():
            (target / path.name).write_bytes(path.read_bytes())
    files = read_set(source)
    rng = np.random.default_rng(seed)
    written = []
    if "REPORTINGOWNER" not in files:
        write_tsv(
            reporting_owners(files["SUBMISSION"], rng, per_filing=True), target / "REPORTINGOWNER.tsv", "REPORTINGOWNER"
        )
        written.append("REPORTINGOWNER")
    if "NONDERIV_TRANS" not in files:
        next_key = 1 + max(
            (
                frame[column].cast(pl.Int64).max() or 0
                for frame in files.values()
                for column in frame.columns
                if column.endswith("_SK")
            ),
            default=0,
        )
        files["NONDERIV_TRANS"] = nonderivative_transactions(
            files["SUBMISSION"], rng, next_key, real_lines=files.get("NONDERIV_HOLDING")
        )
        write_tsv(files["NONDERIV_TRANS"], target / "NONDERIV_TRANS.tsv", "NONDERIV_TRANS")
        written.append("NONDERIV_TRANS")
    if "FOOTNOTES" not in files:
        line_files = {name: frame for name, frame in files.items() if name.endswith(("_TRANS", "_HOLDING"))}
        write_tsv(footnotes(line_files), target / "FOOTNOTES.tsv", "FOOTNOTES")
        written.append("FOOTNOTES")
    return written


def issuer_pool(issuers: int) -> np.ndarray:
    """The CIKs of `issuers` companies, the same every quarter."""
    return np.arange(1, issuers + 1, dtype=np.int64) * 37 + 1_000_000


def submissions_of(label: str, count: int, issuers: np.ndarray, rng: np.random.Generator, serial: int) -> pl.DataFrame:
    """`count` submissions filed over the quarter: mostly Form 4, some 3, 5 and amendments, issuers drawn from a
    fixed pool (`issuers`, their CIKs) so that the same companies file every quarter."""
    first = quarter_start(label)
    days = (next_quarter_start(first) - first).days
    lag = rng.integers(0, 4, size=count)
    forms = rng.choice(["4", "4", "4", "4", "4", "4", "4", "3", "5", "4/A"], size=count)
    issuer = rng.choice(issuers, size=count)
    year = first.year % 100
    frame = pl.DataFrame(
        {
            "ACCESSION_NUMBER": [f"{1_900_000_000 + serial:010d}-{year:02d}-{index:06d}" for index in range(count)],
            "filed": pl.Series([first + timedelta(days=int(day)) for day in rng.integers(0, days, size=count)]),
            "lag": lag,
            "DOCUMENT_TYPE": forms,
            "issuer": issuer,
        }
    )
    frame = frame.with_columns((pl.col("filed") - pl.duration(days=pl.col("lag"))).alias("period"))
    return frame.select(
        "ACCESSION_NUMBER",
        dd_mon_yyyy(pl.col("filed")).alias("FILING_DATE"),
        dd_mon_yyyy(pl.col("period")).alias("PERIOD_OF_REPORT"),
        pl.lit(None, pl.String).alias("DATE_OF_ORIG_SUB"),
        pl.lit(None, pl.String).alias("NO_SECURITIES_OWNED"),
        pl.lit("0").alias("NOT_SUBJECT_SEC16"),
        pl.lit(None, pl.String).alias("FORM3_HOLDINGS_REPORTED"),
        pl.lit(None, pl.String).alias("FORM4_TRANS_REPORTED"),
        "DOCUMENT_TYPE",
        cik_text(pl.col("issuer")).alias("ISSUERCIK"),
        pl.format("Issuer {} Inc", pl.col("issuer")).alias("ISSUERNAME"),
        pl.format("T{}", pl.col("issuer") % 100_000).alias("ISSUERTRADINGSYMBOL"),
        pl.lit(None, pl.String).alias("REMARKS"),
    )


def holdings(submissions: pl.DataFrame, rng: np.random.Generator, first_key: int) -> pl.DataFrame:
    """A Form 3's holdings: one or two lines, direct or by a trust."""
    initial = submissions.filter(pl.col("DOCUMENT_TYPE") == "3")
    counts = rng.integers(1, 3, size=initial.height)
    rows = initial.select("ACCESSION_NUMBER", pl.Series("n", counts)).select(pl.all().repeat_by("n").explode())
    rows = rows.with_columns(pl.int_range(pl.len()).over("ACCESSION_NUMBER").alias("position"))
    return rows.select(
        "ACCESSION_NUMBER",
        (pl.int_range(pl.len()) + first_key).cast(pl.String).alias("NONDERIV_HOLDING_SK"),
        pl.lit("Common Stock").alias("SECURITY_TITLE"),
        pl.Series("SHRS_OWND_FOLWNG_TRANS", [f"{value}.0" for value in rng.integers(1, 5_000_000, size=rows.height)]),
        pl.when(pl.col("position") == 0).then(pl.lit("D")).otherwise(pl.lit("I")).alias("DIRECT_INDIRECT_OWNERSHIP"),
        pl.when(pl.col("position") > 0).then(pl.lit("By Trust")).alias("NATURE_OF_OWNERSHIP"),
        pl.when(pl.col("position") > 0).then(pl.lit("F1")).alias("NATURE_OF_OWNERSHIP_FN"),
    )


def derivative_transactions(submissions: pl.DataFrame, rng: np.random.Generator, first_key: int) -> pl.DataFrame:
    """An option grant on one Form 4 in five."""
    granted = submissions.filter(pl.col("DOCUMENT_TYPE") == "4").sample(fraction=0.2, seed=int(rng.integers(1 << 31)))
    size = granted.height
    shares = rng.integers(1_000, 100_000, size=size)
    return granted.select(
        "ACCESSION_NUMBER",
        (pl.int_range(pl.len()) + first_key).cast(pl.String).alias("DERIV_TRANS_SK"),
        pl.lit("Stock Option (Right to Buy)").alias("SECURITY_TITLE"),
        pl.Series("CONV_EXERCISE_PRICE", [f"{value / 100}" for value in rng.integers(100, 20_000, size=size)]),
        pl.col("PERIOD_OF_REPORT").alias("TRANS_DATE"),
        pl.lit("4").alias("TRANS_FORM_TYPE"),
        pl.lit("A").alias("TRANS_CODE"),
        pl.lit("0").alias("EQUITY_SWAP_INVOLVED"),
        pl.Series("TRANS_SHARES", [f"{value}.0" for value in shares]),
        pl.lit("0.0").alias("TRANS_PRICEPERSHARE"),
        pl.lit("A").alias("TRANS_ACQUIRED_DISP_CD"),
        pl.lit("F3").alias("EXCERCISE_DATE_FN"),
        pl.lit("Common Stock").alias("UNDLYNG_SEC_TITLE"),
        pl.Series("UNDLYNG_SEC_SHARES", [f"{value}.0" for value in shares]),
        pl.Series("SHRS_OWND_FOLWNG_TRANS", [f"{value}.0" for value in shares]),
        pl.lit("D").alias("DIRECT_INDIRECT_OWNERSHIP"),
    )


def signatures(owners: pl.DataFrame, submissions: pl.DataFrame) -> pl.DataFrame:
    """One signature per reporting owner, dated the filing day."""
    filed = submissions.select("ACCESSION_NUMBER", "FILING_DATE")
    return owners.join(filed, on="ACCESSION_NUMBER").select(
        "ACCESSION_NUMBER",
        pl.format("/s/ {}", pl.col("RPTOWNERNAME")).alias("OWNERSIGNATURENAME"),
        pl.col("FILING_DATE").alias("OWNERSIGNATUREDATE"),
    )


def generate_quarter(
    folder: Path, label: str, count: int, issuers: int | np.ndarray = 6_000, seed: int = 0
) -> dict[str, int]:
    """All eight TSVs of a quarter of `count` submissions in `folder`, filed by `issuers` companies (how many, or
    their CIKs: the benchmarks give the nightly's own companies a history); returns each file's row count."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    start = quarter_start(label)
    serial = (start.year - 2000) * 4 + (start.month - 1) // 3
    pool = issuer_pool(issuers) if isinstance(issuers, int) else issuers
    files = {"SUBMISSION": submissions_of(label, count, pool, rng, serial)}
    files["REPORTINGOWNER"] = reporting_owners(files["SUBMISSION"], rng)
    files["NONDERIV_TRANS"] = nonderivative_transactions(files["SUBMISSION"], rng, serial * 10_000_000)
    files["NONDERIV_HOLDING"] = holdings(files["SUBMISSION"], rng, serial * 10_000_000 + 5_000_000)
    files["DERIV_TRANS"] = derivative_transactions(files["SUBMISSION"], rng, serial * 10_000_000 + 7_000_000)
    files["DERIV_HOLDING"] = pl.DataFrame(schema={column: pl.String for column in COLUMNS["DERIV_HOLDING"]})
    files["OWNER_SIGNATURE"] = signatures(files["REPORTINGOWNER"], files["SUBMISSION"])
    line_files = {name: frame for name, frame in files.items() if name.endswith(("_TRANS", "_HOLDING"))}
    files["FOOTNOTES"] = footnotes(line_files)
    for name, frame in files.items():
        write_tsv(frame, folder / f"{name}.tsv", name)
    return {name: frame.height for name, frame in files.items()}


def zip_quarter(folder: Path, target: Path, label: str) -> Path:
    """The quarter's TSVs as the SEC ships them: `{label}_form345.zip`, deflated."""
    path = target / zip_name(label)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for tsv in sorted(folder.glob("*.tsv")):
            archive.write(tsv, tsv.name)
    path.write_bytes(buffer.getvalue())
    return path


def quarter_labels(first: str, last: str) -> list[str]:
    labels, current = [], quarter_start(first)
    while current <= quarter_start(last):
        labels.append(quarter_label(current))
        current = next_quarter_start(current)
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quarters", default="2024q1:2024q4", help="first:last quarter, e.g. 2006q1:2025q4")
    parser.add_argument("--submissions", type=int, default=70_000, help="submissions per quarter")
    parser.add_argument("--out", type=Path, required=True, help="folder for the zips")
    arguments = parser.parse_args()
    first, _, last = arguments.quarters.partition(":")
    arguments.out.mkdir(parents=True, exist_ok=True)
    for number, label in enumerate(quarter_labels(first, last or first)):
        folder = arguments.out / label
        generate_quarter(folder, label, arguments.submissions, seed=number)
        print(zip_quarter(folder, arguments.out, label))


if __name__ == "__main__":
    main()
