"""The recipes of docs/design.md ("Adding a fact, a model, a check, a source"), carried out: each test copies the
project to a scratch folder, makes exactly the edits its recipe names, and runs there the tests the change touches.
A recipe is true as long as its test passes; one that needs an edit it does not name fails here."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The schema version a new column would come with: the next migration's number.
NEXT_VERSION = len(list((PROJECT_ROOT / "sql" / "migrations").glob("*.sql"))) + 1


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A copy of the project's tracked files (and the compiled parser, if built), in a folder of its own."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True).stdout.split(
        b"\0"
    )
    copy = tmp_path / "project"
    for name in filter(None, listed):
        source = PROJECT_ROOT / name.decode()
        if source.is_file():
            target = copy / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for built in (PROJECT_ROOT / "transforms").glob("_batch_parser*.so"):
        shutil.copy2(built, copy / "transforms" / built.name)
    return copy


def run_in(project: Path, *command: str) -> str:
    """Run a Python module of the scratch copy (its own code first on the path); its output, or a failure with it."""
    done = subprocess.run(
        [sys.executable, *command],
        cwd=project,
        env={**_clean_environment(), "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, (
        f"{' '.join(command)} in the scratch copy:\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
    )
    return done.stdout


def _clean_environment() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if not key.startswith(("EDGAR_", "INSIDER_", "PYTEST_"))}


def run_tests(project: Path, *tests: str) -> None:
    run_in(project, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: the recipe's anchor {old!r} is not there once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def add_after_definition(module: Path, name: str, line: str) -> None:
    """`line` right after the statement that defines `name` at the module's top level (one line, or a bracket
    opened on its first line and closed by a `)` alone on a line)."""
    lines = module.read_text(encoding="utf-8").split("\n")
    start = next(number for number, text in enumerate(lines) if text.startswith(f"{name} = "))
    end = start if not lines[start].endswith("(") else lines.index(")", start)
    lines.insert(end + 1, line)
    module.write_text("\n".join(lines), encoding="utf-8")


def append_column(ddl: Path, columns: list[str]) -> None:
    """The columns last in the table's CREATE statement, as the recipe says."""
    text = ddl.read_text(encoding="utf-8")
    body, close = text.rstrip().rsplit("\n);", 1)
    ddl.write_text(body + ",\n" + ",\n".join(f"    {column}" for column in columns) + "\n);" + close + "\n")


# The new elements, one per filing table that has leaves: (table, leaves tuple, the element's path, column, wrapped).
NEW_ELEMENTS = [
    ("filings", "DOCUMENT_LEAVES", "recipeDocumentFact", "recipe_document_fact", False),
    ("filing_owners", "OWNER_LEAVES", "reportingOwnerId/rptOwnerRecipeCode", "recipe_owner_code", False),
    ("transactions", "TRANSACTION_LEAVES", "transactionAmounts/recipeVenue", "recipe_venue", True),
    ("holdings", "HOLDING_LEAVES", "postTransactionAmounts/recipeHoldingNote", "recipe_holding_note", True),
]

# A Form 4 with one transaction and one holding, each new element given a value (the holding's inside <value>).
DOCUMENT = """<?xml version="1.0"?>
<ownershipDocument>
  <schemaVersion>X0508</schemaVersion>
  <documentType>4</documentType>
  <periodOfReport>2024-03-01</periodOfReport>
  <recipeDocumentFact>fact</recipeDocumentFact>
  <issuer>
    <issuerCik>0000320193</issuerCik><issuerName>Recipe Co</issuerName><issuerTradingSymbol>RCP</issuerTradingSymbol>
  </issuer>
  <reportingOwner>
    <reportingOwnerId>
      <rptOwnerCik>0001214128</rptOwnerCik><rptOwnerName>Owner One</rptOwnerName>
      <rptOwnerRecipeCode>code</rptOwnerRecipeCode>
    </reportingOwnerId>
    <reportingOwnerRelationship><isDirector>1</isDirector></reportingOwnerRelationship>
  </reportingOwner>
  <nonDerivativeTable>
    <nonDerivativeTransaction>
      <securityTitle><value>Common Stock</value></securityTitle>
      <transactionDate><value>2024-03-01</value></transactionDate>
      <transactionCoding><transactionFormType>4</transactionFormType><transactionCode>P</transactionCode><equitySwapInvolved>0</equitySwapInvolved></transactionCoding>
      <transactionAmounts>
        <transactionShares><value>100</value></transactionShares>
        <transactionPricePerShare><value>10</value></transactionPricePerShare>
        <transactionAcquiredDisposedCode><value>A</value></transactionAcquiredDisposedCode>
        <recipeVenue><value>venue</value></recipeVenue>
      </transactionAmounts>
      <postTransactionAmounts><sharesOwnedFollowingTransaction><value>100</value></sharesOwnedFollowingTransaction></postTransactionAmounts>
      <ownershipNature><directOrIndirectOwnership><value>D</value></directOrIndirectOwnership></ownershipNature>
    </nonDerivativeTransaction>
    <nonDerivativeHolding>
      <securityTitle><value>Common Stock</value></securityTitle>
      <postTransactionAmounts>
        <sharesOwnedFollowingTransaction><value>5</value></sharesOwnedFollowingTransaction>
        <recipeHoldingNote><value>note</value></recipeHoldingNote>
      </postTransactionAmounts>
      <ownershipNature>
        <directOrIndirectOwnership><value>I</value></directOrIndirectOwnership>
        <natureOfOwnership><value>By Trust</value></natureOfOwnership>
      </ownershipNature>
    </nonDerivativeHolding>
  </nonDerivativeTable>
</ownershipDocument>
"""

# Run in the scratch copy: the document through both parsers; each new column's value in its table, as JSON.
PARSE_BOTH_WAYS = """
import json, sys
from mirror.envelope import submission
from transforms.normalize import COMPILED_PARSER_BUILT, normalize_batch
raw = submission(open(sys.argv[1], 'rb').read())
found = {}
for compiled in sorted({False, COMPILED_PARSER_BUILT}):
    frames, outcomes = normalize_batch([("0009999999-24-000001", raw)], compiled=compiled)
    assert outcomes == ["0009999999-24-000001"], outcomes
    found[str(compiled)] = {table: {column: frames[table][column].to_list() for column in sys.argv[2:]
                                    if column in frames[table].columns} for table in frames}
print(json.dumps(found))
"""


def test_an_element_as_a_column_of_each_filing_table_is_its_leaf_its_ddl_line_and_its_migration(scratch: Path):
    """The recipe: the leaf in transforms/ownership_fields.py with the schema version that adds it, the column last
    in sql/ddl/<table>.sql, a migration that adds it; then `make dictionary`. The parser (both of them) fills the
    column, a migrated warehouse equals a fresh one, and the schema, coverage and dictionary tests pass."""
    import json

    fields = scratch / "transforms" / "ownership_fields.py"
    migration = [f"-- Migration {NEXT_VERSION}: the recipe's columns."]
    for table, leaves, path, column, wrapped in NEW_ELEMENTS:
        leaf = f'Leaf("{column}", "{path}", "text", wrapped={wrapped}, schema_version={NEXT_VERSION})'
        add_after_definition(fields, leaves, f"{leaves} = (*{leaves}, {leaf})")
        columns = [f"{column} VARCHAR"] + ([f"{column}_footnote_ids VARCHAR[]"] if wrapped else [])
        append_column(scratch / "sql" / "ddl" / f"{table}.sql", columns)
        migration += [f"alter table {table} add column if not exists {spec};" for spec in columns]
    (scratch / "sql" / "migrations" / f"{NEXT_VERSION:04d}_recipe_columns.sql").write_text("\n".join(migration) + "\n")
    run_in(scratch, "-m", "orchestration.cli", "dictionary")

    document = scratch / "recipe.xml"
    document.write_text(DOCUMENT)
    columns = [column for *_, column, _ in NEW_ELEMENTS]
    parsed = json.loads(run_in(scratch, "-c", PARSE_BOTH_WAYS, str(document), *columns))
    for by_parser in parsed.values():
        assert by_parser["filings"]["recipe_document_fact"] == ["fact"]
        assert by_parser["filing_owners"]["recipe_owner_code"] == ["code"]
        assert by_parser["transactions"]["recipe_venue"] == ["venue"]
        assert by_parser["holdings"]["recipe_holding_note"] == ["note"]
    run_tests(
        scratch,
        "tests/test_ddl_matches_schema.py",
        "tests/test_migrations.py",
        "tests/test_field_coverage.py",
        "tests/test_notebook_and_dictionary.py::test_data_dictionary_is_current",
        "tests/test_compiled_parser.py",
    )


def test_a_model_is_one_file_its_snapshot_line_and_the_dictionary(scratch: Path):
    """The recipe: `sql/models/<name>.sql` (grain line, parameters, one SELECT), the reviewed definitions snapshot
    rewritten, `make dictionary`. Dagster shows it downstream of what it reads; the models' tests build it."""
    (scratch / "sql" / "models" / "recipe_purchase_counts.sql").write_text(
        "-- grain: one row per issuer with open-market purchases of at least $min_shares shares: how many\n"
        "-- parameters: min_shares = 1\n"
        "select issuer_cik, count(*) as purchases\n"
        "from transaction_values\n"
        "where transaction_code = 'P' and shares >= $min_shares and in_model_scope(issuer_cik)\n"
        "group by issuer_cik\n"
    )
    run_in(scratch, "-m", "tests.test_definitions")
    run_in(scratch, "-m", "orchestration.cli", "dictionary")
    snapshot = (scratch / "tests" / "snapshots" / "definitions.txt").read_text()
    assert "asset recipe_purchase_counts\n" in snapshot
    run_tests(
        scratch,
        "tests/test_definitions.py",
        "tests/test_sql_models.py",
        "tests/test_notebook_and_dictionary.py::test_data_dictionary_is_current",
        "tests/test_notebook_and_dictionary.py::test_data_dictionary_covers_every_model_and_table",
        "tests/test_sql_callers.py",
    )


@pytest.mark.parametrize("severity", ["warn", "blocking"])
def test_a_check_of_each_severity_is_one_file_and_its_snapshot_line(scratch: Path, severity: str):
    (scratch / "sql" / "checks" / f"recipe_{severity}.sql").write_text(
        f"-- asset: owners\n-- severity: {severity}\n-- One row per owner interval without a name.\n"
        "select owner_cik, valid_from from owners where owner_name is null\n"
    )
    run_in(scratch, "-m", "tests.test_definitions")
    assert f"check owners:recipe_{severity}\n" in (scratch / "tests" / "snapshots" / "definitions.txt").read_text()
    run_tests(scratch, "tests/test_checks.py", "tests/test_definitions.py", "tests/test_sql_callers.py")


def test_a_refresh_step_is_one_file_with_its_header(scratch: Path):
    """The recipe: a file of sql/refresh/ whose `-- reads:`/`-- writes:` header names its tables; its place in the
    chain follows from them, and a refresh runs it."""
    (scratch / "sql" / "refresh" / "recipe_line_counts.sql").write_text(
        "-- reads: scoped_line_rows\n"
        "-- writes: recipe_line_counts\n"
        "-- How many lines the refresh read: a step of the recipe's.\n"
        "create or replace temp table recipe_line_counts as\n"
        "select count(*) as lines from scoped_line_rows;\n"
    )
    order = run_in(
        scratch,
        "-c",
        "from orchestration.refresh_chain import refresh_steps; print(' '.join(s.name for s in refresh_steps()))",
    ).split()
    assert order.index("recipe_line_counts") > order.index("scoped_lines")
    run_tests(scratch, "tests/test_refresh_chain.py", "tests/test_vehicles_real.py", "tests/test_sql_callers.py")


def test_the_recipes_named_here_are_the_ones_design_md_gives():
    """If design.md's recipes change, so must these tests: the paragraph names what each test does."""
    design = (PROJECT_ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    recipes = design[design.index("**Adding a fact, a model, a check, a source.**") :].split("\n\n")[0]
    for said in (
        "transforms/ownership_fields.py",
        "sql/ddl/<table>.sql",
        "sql/migrations/NNNN_<name>.sql",
        "make dictionary",
        "sql/models/<name>.sql",
        "python -m tests.test_definitions",
        "sql/checks/<name>.sql",
        "sql/refresh/",
    ):
        assert said in recipes, said
    assert re.search(r"tests/test_recipes\.py", recipes)
