"""The same inputs, the same warehouse: build it from real inputs and fingerprint every table, to hold a
restructuring to "no behaviour changed".

    .venv/bin/python -m bench.compare_builds --out /tmp/before.json      # on the commit before the change
    .venv/bin/python -m bench.compare_builds --out /tmp/after.json       # on the change
    .venv/bin/python -m bench.compare_builds --compare /tmp/before.json /tmp/after.json

A change that adds a column compares the rest with `--leave-out COLUMN` on the after side.

Three builds, each from scratch through the project's own commands and write path: the 161 real filings of
../shared/edgar-real (every filing loaded, the model refreshed, the SQL models built), the demo's nine days from
fixtures/mirror through `insider-warehouse ingest` over loopback, and the real 2024q3 Form 345 set zipped and loaded
through `insider-warehouse f345`. A table's fingerprint is its row count and an order-independent hash of its rows,
columns that record when a run did something (load and build times) left out.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import duckdb

from mirror.server import serve_in_background
from tests.conftest import RUN_TIME_COLUMNS as TEST_RUN_TIME_COLUMNS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"
# When a run did something, not what the filings say (the tests' list); and the address a failure was met at, whose
# loopback port differs from build to build.
RUN_TIME_COLUMNS = TEST_RUN_TIME_COLUMNS | {"url"}
USER_AGENT = "insider-warehouse build comparison compare@example.invalid"


def fingerprints(warehouse: Path, leave_out: frozenset[str] = frozenset()) -> dict[str, list[int]]:
    """Per base table: [row count, order-independent hash of its rows], run-time columns and `leave_out` left out
    (a change that adds a column compares the columns that were there before)."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [row[0] for row in connection.sql("select table_name from duckdb_tables() order by 1").fetchall()]
        found = {}
        for table in tables:
            relation = connection.table(table)
            columns = [duckdb.ColumnExpression(c) for c in relation.columns if c not in RUN_TIME_COLUMNS | leave_out]
            row_hash = duckdb.FunctionExpression("hash", *columns).cast(duckdb.sqltype("HUGEINT"))
            summed = duckdb.FunctionExpression("sum", row_hash)
            [(rows, digest)] = relation.aggregate([duckdb.FunctionExpression("count"), summed]).fetchall()
            found[table] = [rows, str(digest or 0)]
        return found
    finally:
        connection.close()


def cli(data_dir: Path, base_url: str, *arguments: str) -> None:
    env = {
        **os.environ,
        "INSIDER_DATA_DIR": str(data_dir),
        "EDGAR_BASE_URL": base_url,
        "EDGAR_USER_AGENT": USER_AGENT,
        "EDGAR_REQUESTS_PER_SECOND": "500",
    }
    done = subprocess.run([sys.executable, "-m", "orchestration.cli", *arguments], env=env, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"insider-warehouse {' '.join(arguments)} failed:\n{done.stderr.decode()[-3000:]}")


def build_real_filings(work: Path) -> Path:
    """The 161 real filings of ../shared/edgar-real, loaded and refreshed as tests/real_corpus.py does, with the SQL
    models built on them."""
    from orchestration.sql_models import materialize_model, models_in_dependency_order
    from tests.real_corpus import build_real_warehouse

    warehouse = work / "real-filings.duckdb"
    connection = build_real_warehouse(warehouse, SHARED / "edgar-real")
    try:
        for model in models_in_dependency_order():
            materialize_model(connection, model, {})
    finally:
        connection.close()
    return warehouse


def build_demo(work: Path) -> Path:
    data = work / "demo"
    with serve_in_background([PROJECT_ROOT / "fixtures" / "mirror"]) as mirror:
        cli(data, mirror.base_url, "ingest", "--start", "2025-01-02", "--end", "2025-01-10")
    return data / "warehouse.duckdb"


def build_real_quarter(work: Path) -> Path:
    from transforms.f345.files import DATA_SET_FOLDERS, zip_name

    mirror_root, data = work / "f345-mirror", work / "f345"
    target = mirror_root / DATA_SET_FOLDERS[0].strip("/") / zip_name("2024q3")
    target.parent.mkdir(parents=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((SHARED / "edgar-real" / "f345-2024q3").glob("*.tsv")):
            archive.write(path, path.name)
    target.write_bytes(buffer.getvalue())
    with serve_in_background([mirror_root]) as mirror:
        cli(data, mirror.base_url, "f345", "--start", "2024q3", "--end", "2024q3")
    return data / "warehouse.duckdb"


BUILDS = {"real filings": build_real_filings, "demo mirror": build_demo, "real 2024q3 set": build_real_quarter}


def build_all(leave_out: frozenset[str] = frozenset()) -> dict[str, dict[str, list[int]]]:
    if not (SHARED / "edgar-real").is_dir():
        raise SystemExit(f"{SHARED / 'edgar-real'} is absent: the comparison builds from the team's real filings")
    with tempfile.TemporaryDirectory(prefix="compare-builds-") as work:
        return {name: fingerprints(build(Path(work)), leave_out) for name, build in BUILDS.items()}


def differences(before: dict, after: dict) -> list[str]:
    """Each table whose rows differ (or that one side lacks), per build."""
    found = []
    for build in sorted(set(before) | set(after)):
        tables_before, tables_after = before.get(build, {}), after.get(build, {})
        for table in sorted(set(tables_before) | set(tables_after)):
            if tables_before.get(table) != tables_after.get(table):
                found.append(f"{build}: {table}: {tables_before.get(table)} before, {tables_after.get(table)} after")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="write the three builds' fingerprints here")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"), help="compare two such files")
    parser.add_argument(
        "--leave-out", action="append", default=[], metavar="COLUMN", help="a column not to fingerprint (repeatable)"
    )
    arguments = parser.parse_args()
    if arguments.compare:
        before, after = (json.loads(path.read_text()) for path in arguments.compare)
        found = differences(before, after)
        tables = sum(len(tables) for tables in after.values())
        print("\n".join(found) if found else f"identical: {tables} tables in {len(after)} builds")
        raise SystemExit(1 if found else 0)
    fingerprinted = build_all(frozenset(arguments.leave_out))
    text = json.dumps(fingerprinted, indent=1, sort_keys=True)
    if arguments.out:
        arguments.out.write_text(text)
    rows = {build: sum(rows for rows, _ in tables.values()) for build, tables in fingerprinted.items()}
    print(f"built {', '.join(f'{build} ({count:,} rows)' for build, count in rows.items())}")


if __name__ == "__main__":
    main()
