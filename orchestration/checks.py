"""Asset checks: each file of sql/checks/ is one check, and says in its header what it checks and how much a
failure matters (DuckDB enforces no key, so the warehouse's keys and invariants are checked after each load).

    -- asset: positions          the asset whose rows it checks
    -- severity: blocking        blocking (the run stops before publishing), error, or warn (flagged for review)
    -- One row per …             what a returned row means: the check's description

Each row the query returns is a violation. The checks of the tables one step writes run together in one step on
one connection (a check step per table would open the warehouse once each); each is still its own check in
Dagster, with its own result, severity and blocking, and a run can select any subset.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import dagster as dg
import duckdb

from orchestration.resources import StorageResource
from orchestration.sql_files import SQL_ROOT, query_sql_file
from orchestration.warehouse_connection import connect
from transforms.document_kinds import KIND_TABLES

CHECKS_FOLDER = SQL_ROOT / "checks"
SEVERITIES = ("blocking", "error", "warn")
_FIELD = re.compile(r"^--\s*(asset|severity):\s*(\S+)\s*$")


@dataclass(frozen=True)
class Check:
    name: str  # the file's stem: the check's name in Dagster
    asset: str
    severity: str
    description: str


def read_check(name: str) -> Check:
    """The check `sql/checks/<name>.sql` as its header states it; ValueError naming what the header lacks."""
    fields: dict[str, str] = {}
    description = ""
    for line in (CHECKS_FOLDER / f"{name}.sql").read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        field = _FIELD.match(line)
        if field:
            fields[field[1]] = field[2]
        elif not description:
            description = line.removeprefix("--").strip()
    missing = [key for key in ("asset", "severity") if key not in fields]
    if missing or fields.get("severity") not in SEVERITIES or not description:
        raise ValueError(
            f"sql/checks/{name}.sql must open with '-- asset: <table>', '-- severity: {'|'.join(SEVERITIES)}' and "
            "a '-- One row per …' line saying what a violation is"
        )
    return Check(name, fields["asset"], fields["severity"], description)


@cache
def all_checks() -> dict[str, Check]:
    return {path.stem: read_check(path.stem) for path in sorted(CHECKS_FOLDER.glob("*.sql"))}


# check name → the asset whose rows it checks
CHECKED_ASSETS = {name: check.asset for name, check in all_checks().items()}


def check_result(connection: duckdb.DuckDBPyConnection, name: str) -> dg.AssetCheckResult:
    """Run `sql/checks/<name>.sql`: each row it returns is a violation."""
    check = all_checks()[name]
    violations = query_sql_file(connection, f"checks/{name}.sql").fetchall()
    return dg.AssetCheckResult(
        asset_key=check.asset,
        check_name=name,
        passed=not violations,
        severity=dg.AssetCheckSeverity.WARN if check.severity == "warn" else dg.AssetCheckSeverity.ERROR,
        metadata={
            "violations": len(violations),
            "sample": dg.MetadataValue.json([[str(value) for value in row] for row in violations[:5]]),
        },
    )


def _check_group(name: str, checks: list[Check]) -> dg.AssetChecksDefinition:
    specs = [
        dg.AssetCheckSpec(
            check.name, asset=check.asset, description=check.description, blocking=check.severity == "blocking"
        )
        for check in checks
    ]

    @dg.multi_asset_check(specs=specs, name=name, can_subset=True)
    def run_checks(context: dg.AssetCheckExecutionContext, storage: StorageResource) -> Iterator[dg.AssetCheckResult]:
        selected = {key.name for key in context.selected_asset_check_keys}
        connection = connect(storage.warehouse_path, read_only=True)
        try:
            for check in checks:
                if check.name in selected:
                    yield check_result(connection, check.name)
        finally:
            connection.close()

    return run_checks


warehouse_checks = [
    _check_group("filing_table_checks", [check for check in all_checks().values() if check.asset in KIND_TABLES]),
    _check_group("model_checks", [check for check in all_checks().values() if check.asset not in KIND_TABLES]),
]
