"""Asset checks: the keys of WAREHOUSE.md hold (DuckDB enforces none, so they are checked after each load).

The checks of the tables one step writes run together in one step on one connection, not as thirteen steps that
each open the warehouse (about 0.25 s a night, measured). Each is still its own check in Dagster (its own result,
severity and blocking), and a run can select any subset.
"""

from collections.abc import Iterator

import dagster as dg
import duckdb

from orchestration.resources import StorageResource
from orchestration.sql_files import query_sql_file, read_sql
from orchestration.warehouse import connect
from transforms.tables import FILING_TABLES

# check file stem (sql/checks/<stem>.sql) → the asset whose rows it checks
CHECKED_ASSETS = {
    "filings_key_unique": "filings",
    "filing_owners_key_unique": "filing_owners",
    "transactions_key_unique": "transactions",
    "holdings_key_unique": "holdings",
    "footnotes_key_unique": "footnotes",
    "filing_parties_key_unique": "filing_parties",
    "transactions_have_filing": "transactions",
    "filing_status_key_unique": "filing_status",
    "issuers_intervals_unique": "issuers",
    "positions_never_overlap": "positions",
    "positions_trace_to_filings": "positions",
    "positions_not_from_superseded_lines": "positions",
    "positions_not_negative": "positions",
    "holding_lines_carried": "positions",
    "initial_form3_totals": "beneficial_ownership",
    "one_open_direct_position": "positions",
}
# Failures that would make every model wrong stop the run before the read copy is published.
BLOCKING = frozenset({"positions_never_overlap", "positions_trace_to_filings", "positions_not_from_superseded_lines"})
# Flagged for review, not an error: a filing may state a negative amount, and we keep what it states.
WARN_ONLY = frozenset({"positions_not_negative"})


def _description(stem: str) -> str:
    return read_sql(f"checks/{stem}.sql").splitlines()[0].removeprefix("-- ")


def check_result(connection: duckdb.DuckDBPyConnection, stem: str) -> dg.AssetCheckResult:
    """Run `sql/checks/<stem>.sql`: each row it returns is a violation."""
    violations = query_sql_file(connection, f"checks/{stem}.sql").fetchall()
    return dg.AssetCheckResult(
        asset_key=CHECKED_ASSETS[stem],
        check_name=stem,
        passed=not violations,
        severity=dg.AssetCheckSeverity.WARN if stem in WARN_ONLY else dg.AssetCheckSeverity.ERROR,
        metadata={
            "violations": len(violations),
            "sample": dg.MetadataValue.json([[str(value) for value in row] for row in violations[:5]]),
        },
    )


def _check_group(name: str, stems: list[str]) -> dg.AssetChecksDefinition:
    specs = [
        dg.AssetCheckSpec(stem, asset=CHECKED_ASSETS[stem], description=_description(stem), blocking=stem in BLOCKING)
        for stem in stems
    ]

    @dg.multi_asset_check(specs=specs, name=name, can_subset=True)
    def checks(context: dg.AssetCheckExecutionContext, storage: StorageResource) -> Iterator[dg.AssetCheckResult]:
        selected = {key.name for key in context.selected_asset_check_keys}
        connection = connect(storage.warehouse_path, read_only=True)
        try:
            for stem in stems:
                if stem in selected:
                    yield check_result(connection, stem)
        finally:
            connection.close()

    return checks


warehouse_checks = [
    _check_group("filing_table_checks", [stem for stem, asset in CHECKED_ASSETS.items() if asset in FILING_TABLES]),
    _check_group("model_checks", [stem for stem, asset in CHECKED_ASSETS.items() if asset not in FILING_TABLES]),
]
