"""Asset checks: the keys of WAREHOUSE.md hold (DuckDB enforces none, so they are checked after each load)."""

import dagster as dg

from orchestration.resources import StorageResource
from orchestration.sql_files import SQL_ROOT, query_sql_file
from orchestration.warehouse import connect

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
}
# Failures that would make every model wrong stop the run before the read copy is published.
BLOCKING = frozenset({"positions_never_overlap", "positions_trace_to_filings", "positions_not_from_superseded_lines"})
# Flagged for review, not an error: a filing may state a negative amount, and we keep what it states.
WARN_ONLY = frozenset({"positions_not_negative"})


def _warehouse_check(stem: str, asset: str) -> dg.AssetChecksDefinition:
    sql_path = f"checks/{stem}.sql"
    description = (SQL_ROOT / sql_path).read_text(encoding="utf-8").splitlines()[0].removeprefix("-- ")

    @dg.asset_check(asset=asset, name=stem, description=description, blocking=stem in BLOCKING)
    def check(storage: StorageResource) -> dg.AssetCheckResult:
        connection = connect(storage.warehouse_path, read_only=True)
        try:
            violations = query_sql_file(connection, sql_path).fetchall()
        finally:
            connection.close()
        return dg.AssetCheckResult(
            passed=not violations,
            severity=dg.AssetCheckSeverity.WARN if stem in WARN_ONLY else dg.AssetCheckSeverity.ERROR,
            metadata={
                "violations": len(violations),
                "sample": dg.MetadataValue.json([[str(value) for value in row] for row in violations[:5]]),
            },
        )

    return check


warehouse_checks = [_warehouse_check(stem, asset) for stem, asset in CHECKED_ASSETS.items()]
