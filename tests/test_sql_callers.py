"""Every SQL file has a caller and every call names a file: SQL addressed by string paths is invisible to an import
graph, so this test reads the callers' source for those paths. A file in a folder the code loads whole (DDL,
migrations, views, seeds, models, checks, the refresh chain) is called by its folder."""

import ast
import fnmatch
import re
from pathlib import Path

from orchestration.sql_files import SQL_ROOT

PROJECT_ROOT = SQL_ROOT.parent
# Folders whose every file the code reads by globbing the folder (orchestration/migrations.py, warehouse_connection,
# sql_models, checks, refresh_chain).
LOADED_WHOLE = ("ddl", "migrations", "views", "seeds", "models", "checks", "refresh")
# Where the pipeline's own callers live; bench/ and tests/ may call SQL too, but calls from them alone keep no file
# of sql/ alive (the bench's own SQL lives in bench/).
PIPELINE_CODE = ("orchestration", "transforms", "mirror")
_SQL_PATH = re.compile(r"^[a-z_0-9]+(/[a-z_0-9*]+)+\.sql$")


def sql_paths_named(path: Path) -> set[str]:
    """The `folder/name.sql` paths a Python file names in its string literals; an f-string's placeholders as `*`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            text = "".join(part.value if isinstance(part, ast.Constant) else "*" for part in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        text = text.removeprefix("sql/")
        if _SQL_PATH.match(text):
            found.add(text)
    return found


def python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (PROJECT_ROOT / folder).rglob("*.py"))


def sql_files() -> set[str]:
    return {str(path.relative_to(SQL_ROOT)) for path in SQL_ROOT.rglob("*.sql")}


def test_every_sql_file_has_a_caller_in_the_pipeline():
    named = set().union(*(sql_paths_named(path) for path in python_files(*PIPELINE_CODE)))
    uncalled = sorted(
        file
        for file in sql_files()
        if file.split("/")[0] not in LOADED_WHOLE or file.count("/") > 1
        if not any(fnmatch.fnmatchcase(file, pattern) for pattern in named)
    )
    assert not uncalled, (
        f"SQL files no pipeline code calls (remove them, or move a bench-only one to bench/): {uncalled}"
    )


def sql_named_beside(path: Path) -> set[str]:
    """The files a module names with `beside(__file__, "name.sql")`: its package's own sql/ folder."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "beside" and len(node.args) == 2:
            name = node.args[1]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                found.add(name.value)
    return found


def test_sql_kept_beside_its_caller_is_called_there_and_exists():
    """A package's own sql/ folder holds what its modules, and only they, run."""
    for folder in sorted((PROJECT_ROOT / "orchestration").rglob("sql")):
        package = folder.parent
        named = set().union(*(sql_named_beside(module) for module in package.glob("*.py")))
        kept = {path.name for path in folder.glob("*.sql")}
        assert kept <= named, f"{folder.relative_to(PROJECT_ROOT)}: no module beside it runs {sorted(kept - named)}"
        assert named <= kept, f"{package.relative_to(PROJECT_ROOT)} runs files not in its sql/: {sorted(named - kept)}"


def test_every_sql_path_the_code_names_is_a_file():
    files = sql_files()
    missing = sorted(
        f"{path.relative_to(PROJECT_ROOT)}: {named}"
        for path in python_files(*PIPELINE_CODE, "bench", "tests")
        for named in sql_paths_named(path)
        if "*" not in named
        and named not in files
        and not (path.parent / named).is_file()
        and not (PROJECT_ROOT / "bench" / named).is_file()
    )
    assert not missing, f"SQL paths named in code that are no file: {missing}"
