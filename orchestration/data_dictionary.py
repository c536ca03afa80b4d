"""The data dictionary, generated from the DDL, the parser's element map and the model SQL (never written twice).

`insider-warehouse dictionary` rewrites docs/data_dictionary.md; a test fails when the committed file is stale.
"""

import re
from collections import defaultdict
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

from orchestration.refresh_chain import refresh_steps
from orchestration.sql_files import SQL_ROOT, split_statements
from orchestration.sql_models import all_models, materialize_model, models_in_dependency_order, upstream_assets
from orchestration.warehouse_connection import ensure_schema
from transforms.ownership_fields import element_destinations
from transforms.sgml import HEADER_PARTY_FIELDS

DICTIONARY_PATH = SQL_ROOT.parent / "docs" / "data_dictionary.md"
HEADER_SOURCES = {
    "filings.accession_number": "SGML header ACCESSION NUMBER",
    "filings.form_type": "SGML header CONFORMED SUBMISSION TYPE",
    "filings.filing_date": "SGML header FILED AS OF DATE",
    "filings.acceptance_datetime": "SGML header <ACCEPTANCE-DATETIME> (New York time)",
    "filings.header_period_of_report": "SGML header CONFORMED PERIOD OF REPORT",
    "filings.header_issuer_cik": "SGML header ISSUER / CENTRAL INDEX KEY",
    "filings.header_reporting_owner_ciks": "SGML header REPORTING-OWNER / CENTRAL INDEX KEY, each",
    "filings.primary_document": "SGML <FILENAME> of the document holding the ownershipDocument",
    "filings.raw_sha256": "SHA-256 of the submission bytes as fetched",
    "filings.raw_bytes": "size of the submission as fetched",
    "filings.unparsed_values": "values that could not be typed, kept raw (field, raw)",
}
ROW_KEY_SOURCES = {
    "accession_number": "the filing: SGML ACCESSION NUMBER",
    "table_kind": "non_derivative (Table I) or derivative (Table II)",
    "line_number": "1-based position of the line within its table in the document",
    "owner_position": "1-based position of the reportingOwner in the document",
    "footnote_id": "`footnotes/footnote/@id`",
    "filing_issuer_cik": (
        "the issuer its filing names (`filings.issuer_cik`), copied onto the row by `sql/load/insert_filing_rows.sql` "
        "so that lookups by issuer skip other issuers' rows"
    ),
    "values_given_by_footnote": (
        "the columns of the line whose <value> is absent but footnoted (Form 345 data sets: the value empty and its "
        "`_FN` column naming footnotes)"
    ),
}


def _element_sources() -> dict[str, list[str]]:
    sources: dict[str, list[str]] = defaultdict(list)
    for path, destination in element_destinations().items():
        if "." in destination and not destination.startswith("("):
            table, column = destination.split()[0].split(".")
            sources[f"{table}.{column}"].append(path.removeprefix("ownershipDocument/"))
    for column, (sections, key) in HEADER_PARTY_FIELDS.items():
        sources[f"filing_parties.{column}"].append(f"SGML header {' or '.join(sections)} / {key}")
    return sources


def _ddl_notes(name: str) -> tuple[str, str]:
    path = SQL_ROOT / "ddl" / f"{name}.sql"
    if not path.exists():
        return "", ""
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[0].removeprefix("-- grain: "), lines[1].removeprefix("-- key: ")


def _select_formulas(select: str) -> dict[str, str]:
    """Output column → the SQL expression that computes it, following `select *` through the CTEs it names."""
    tree = sqlglot.parse_one(select, read="duckdb")
    ctes = {cte.alias_or_name: cte.this for cte in tree.find_all(exp.CTE)}
    return _projections(tree, ctes, depth=0)


def _projections(select: exp.Expression, ctes: dict[str, exp.Expression], depth: int) -> dict[str, str]:
    formulas: dict[str, str] = {}
    if not isinstance(select, exp.Select) or depth > 10:
        return formulas
    for projection in select.expressions:
        if isinstance(projection, exp.Star) or (isinstance(projection, exp.Column) and projection.is_star):
            for table in select.find_all(exp.Table):
                if table.name in ctes:
                    formulas = {**_projections(ctes[table.name], ctes, depth + 1), **formulas}
            continue
        name = projection.alias_or_name
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        text = " ".join(inner.sql(dialect="duckdb").split())
        if isinstance(inner, exp.Column) and inner.name != name:  # a column renamed: where that column comes from
            upstream = _upstream_formula(select, ctes, inner.name, depth)
            formulas[name] = upstream or text
        elif text.split(".")[-1] != name:
            formulas[name] = text
        elif name not in formulas:
            for table in select.find_all(exp.Table):
                if table.name in ctes:
                    formulas.setdefault(name, _projections(ctes[table.name], ctes, depth + 1).get(name, ""))
    return {name: text for name, text in formulas.items() if text}


def _upstream_formula(select: exp.Select, ctes: dict[str, exp.Expression], column: str, depth: int) -> str:
    """The formula of `column` in the CTE `select` reads from directly (its FROM and joins), if one computes it."""
    sources = [select.args.get("from_") or select.args.get("from"), *(select.args.get("joins") or [])]
    for table in (source.this for source in sources if source is not None):
        if isinstance(table, exp.Table) and table.name in ctes:
            found = _projections(ctes[table.name], ctes, depth + 1).get(column, "")
            if found:
                return found
    return ""


_COPY_OF_TABLE = re.compile(r"\s*select \* from (\w+)\s*", re.IGNORECASE)
_TEMP_TABLE_QUERY = re.compile(r"create or replace temp table (\w+) as\s+(.*)", re.IGNORECASE | re.DOTALL)


def refresh_file_of(table: str) -> str | None:
    """The refresh step that writes `table` (sql/refresh/…), if one does."""
    return next((step.path for step in refresh_steps() if table in step.writes and step.path), None)


def _warehouse_formulas(table: str) -> dict[str, str]:
    """The formulas of the first insert of the refresh step that writes `table`, or of the temp table it copies."""
    relative = refresh_file_of(table)
    if relative is None:
        return {}
    path = SQL_ROOT / relative
    statements = [
        "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("--")).strip()
        for statement in split_statements(path.read_text(encoding="utf-8"))
    ]
    inserts = [s for s in statements if re.match(rf"insert\s+into\s+{table}\b", s, re.IGNORECASE)]
    if not inserts:
        return {}
    body = re.sub(rf"^insert\s+into\s+{table}(\s+by\s+name)?\s*", "", inserts[0], flags=re.IGNORECASE)
    if not body.lower().lstrip().startswith(("select", "with")):  # a column list or values: no formulas to show
        return {}
    copied = _COPY_OF_TABLE.fullmatch(body)
    if copied:
        temp_tables = {match[1]: match[2] for match in map(_TEMP_TABLE_QUERY.fullmatch, statements) if match}
        body = temp_tables.get(copied[1], body)
    return _select_formulas(body)


def build_dictionary() -> str:
    """The dictionary as Markdown, from an empty warehouse built in memory with every table and model."""
    connection = duckdb.connect()
    ensure_schema(connection)
    for model in models_in_dependency_order():
        materialize_model(connection, model, {})
    columns: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for table, column, kind in connection.sql(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'main' order by table_name, ordinal_position"
    ).fetchall():
        columns[table].append((column, kind))
    kinds = dict(connection.sql("select table_name, table_type from information_schema.tables").fetchall())
    connection.close()
    sources = _element_sources()
    models = all_models()
    lines = [
        "# Data dictionary",
        "",
        "Generated by `insider-warehouse dictionary` from `sql/ddl/`, `sql/views/`, `sql/refresh/`, `sql/models/`",
        "and the parser's element map; do not edit by hand. Element paths are below `ownershipDocument`.",
        "",
        "Rows loaded from the SEC's Form 345 data sets (`filing_sources.source = 'f345'`) carry the sets' numbers,",
        "which the SEC rounds to two decimals: a price of 224.048 in a filing's XML is 224.05 in the set. A filing",
        "loaded from its own submission keeps every decimal it was filed with; `f345_reconciliation.rounded_in_f345`",
        "counts the values that differ only so.",
        "",
    ]
    for table in sorted(columns):
        model = models.get(table)
        grain, key = _ddl_notes(table)
        if model is not None:
            grain = model.grain
            kind = f"model (`sql/models/{table}.sql`), reads {', '.join(upstream_assets(model, set(columns)))}"
            if model.parameters:
                kind += f"; parameters {model.parameters}"
            formulas = _select_formulas(model.select)
        elif kinds.get(table) == "VIEW":
            kind, formulas = f"view (`sql/views/{table}.sql`)", {}
            grain = (
                (SQL_ROOT / "views" / f"{table}.sql")
                .read_text(encoding="utf-8")
                .splitlines()[0]
                .removeprefix("-- grain: ")
            )
        else:
            kind, formulas = "table (`sql/ddl/" + table + ".sql`)", _warehouse_formulas(table)
        computed_in = _computed_in(table, model is not None, kinds.get(table) == "VIEW")
        if computed_in and model is None and kinds.get(table) != "VIEW":
            kind += f", written by `{computed_in}`"
        lines += [f"## {table}", "", f"{kind}. Grain: {grain}." + (f" Key: {key}." if key else ""), ""]
        lines += ["| column | type | from |", "|---|---|---|"]
        for column, data_type in columns[table]:
            origin = "; ".join(f"`{p}`" for p in sources.get(f"{table}.{column}", []))
            origin = origin or HEADER_SOURCES.get(f"{table}.{column}", "")
            if not origin and computed_in is None:
                origin = ROW_KEY_SOURCES.get(column, "")
            if not origin and computed_in:  # derived: the formula, if the column is not copied as it is, and where
                formula = f"`{formulas[column]}` in " if formulas.get(column) else ""
                origin = f"{formula}`{computed_in}`".replace("|", "\\|")
            lines.append(f"| {column} | {data_type} | {origin} |")
        lines.append("")
    return "\n".join(lines)


def _computed_in(table: str, is_model: bool, is_view: bool) -> str | None:
    """The SQL file that computes a derived table's rows: its model, its view, or the refresh step writing it."""
    if is_model:
        return f"sql/models/{table}.sql"
    if is_view:
        return f"sql/views/{table}.sql"
    written_by = refresh_file_of(table)
    return f"sql/{written_by}" if written_by else None


def write_dictionary(path: Path = DICTIONARY_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build_dictionary(), encoding="utf-8")
    return path
