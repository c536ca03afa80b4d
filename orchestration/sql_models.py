"""SQL models (`sql/models/*.sql`) as Dagster assets: file stem = table = asset key, lineage read from the SQL.

Each file holds one SELECT. Its first line states the grain; a `-- parameters: name = default, …` line declares
the parameters it binds as `$name` (overridable per run through the asset's config).
"""

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl
from pydantic import Field

from orchestration.progress import progress
from orchestration.resources import StorageResource
from orchestration.run_profile import profiled
from orchestration.sql_files import (
    SQL_ROOT,
    parameter_names,
    query_sql_file,
    read_sql,
    run_sql_file,
    split_statements,
)
from orchestration.sql_lineage import tables_read, view_sources
from orchestration.warehouse_connection import open_warehouse, registered, transaction
from transforms.refresh_chunks import REFRESH_CHUNK_FILINGS, issuer_chunks

MODELS_FOLDER = SQL_ROOT / "models"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_PARAMETERS = re.compile(r"^--\s*parameters:\s*(.+)$", re.MULTILINE)
_SCOPE = re.compile(r"^--\s*scope:\s*(\w+)(?:[ \t]+(\S.*?))?\s*$", re.MULTILINE)
# What a model's rows are keyed by, so what an incremental refresh recomputes
# (sql/model_runtime/model_rows_<scope>.sql): the issuers of model_scope; the filings of model_scope_filings (a
# per-line model need not redo an issuer's whole history for one new filing); the owner groups of model_scope_groups
# (a model of one insider's trades need not redo the issuer's other insiders); or, for a model over windows of days or
# months, the issuers' rows from the earliest changed transaction date on (model_scope_days), its expression naming
# the last day a row's window reads.
SCOPES = ("issuer", "filing", "group", "date")
# Filings a model recomputes in one statement; more go a chunk of whole issuers at a time (a night is far below).
MODEL_CHUNK_FILINGS = REFRESH_CHUNK_FILINGS


@dataclass(frozen=True)
class SqlModel:
    name: str
    grain: str
    select: str
    parameters: dict[str, Any] = field(default_factory=dict)
    reads: frozenset[str] = frozenset()
    scope: str = "issuer"
    scope_date: str | None = None  # `-- scope: date <expression>`: the last day a row's window reads


def _default(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text.strip("'\"")


def load_model(path: Path) -> SqlModel:
    text = read_sql(str(path.relative_to(SQL_ROOT)))
    first = text.splitlines()[0]
    if not first.startswith("-- grain: "):
        raise ValueError(f"{path.name} must start with '-- grain: …'")
    statements = split_statements(text)
    if len(statements) != 1:
        raise ValueError(f"{path.name} must hold exactly one SELECT, found {len(statements)} statements")
    parameters: dict[str, Any] = {}
    for declared in _PARAMETERS.findall(text):
        for pair in declared.split(","):
            name, _, value = pair.partition("=")
            parameters[name.strip()] = _default(value.strip())
    scopes = _SCOPE.findall(text) or [("issuer", "")]
    if len(scopes) != 1 or scopes[0][0] not in SCOPES or bool(scopes[0][1]) != (scopes[0][0] == "date"):
        raise ValueError(
            f"{path.name}: '-- scope:' must be one of {list(SCOPES)}, 'date' followed by the expression of the "
            f"last day a row's window reads (e.g. '-- scope: date day'), found {scopes}"
        )
    scope, scope_date = scopes[0]
    grain = first.removeprefix("-- grain: ")
    return SqlModel(path.stem, grain, statements[0], parameters, tables_read(statements[0]), scope, scope_date or None)


@cache
def all_models() -> dict[str, SqlModel]:
    return {path.stem: load_model(path) for path in sorted(MODELS_FOLDER.glob("*.sql"))}


def upstream_assets(model: SqlModel, asset_names: set[str]) -> list[str]:
    """The asset keys a model depends on: tables it reads, through views, and other models."""
    found: set[str] = set()
    pending = list(model.reads)
    while pending:
        name = pending.pop()
        if name in view_sources():
            pending.extend(view_sources()[name])
        elif name in asset_names or name in all_models():
            found.add(name)
    return sorted(found)


class ModelCycleError(ValueError):
    """Models that read each other: no order builds them."""


def models_in_dependency_order(models: dict[str, SqlModel] | None = None) -> list[SqlModel]:
    """The models (default: all of them), each after every model it reads: passes over them in name order, taking
    each whose inputs are built; ModelCycleError when a pass takes none."""
    models = all_models() if models is None else models
    done: list[str] = []
    while len(done) < len(models):
        taken = 0
        for name, model in models.items():
            if name not in done and all(dep in done for dep in upstream_assets(model, set()) if dep in models):
                done.append(name)
                taken += 1
        if not taken:
            waiting = sorted(set(models) - set(done))
            raise ModelCycleError(f"the models {', '.join(waiting)} read each other: no order builds them")
    return [models[name] for name in done]


def model_statement(relative_path: str, model: SqlModel, scope: str | None = None, into: str | None = None) -> str:
    """The statements of `sql/<relative_path>` for `model`: `__model_table__` becomes its table name (or `into`),
    which cannot be a bound parameter (so it must be a plain identifier), `__model_building__` the table a full build
    in chunks fills (`building_table`), `__model_select__` its SELECT, and `__model_rows__` the test of `scope` (the
    model's own by default; with `__model_date__`, a date scope's expression)."""
    if not _IDENTIFIER.fullmatch(model.name):
        raise ValueError(f"model file name {model.name!r} is not a plain SQL identifier")
    template = ";\n".join(split_statements(read_sql(relative_path)))
    [rows_in_scope] = split_statements(read_sql(f"model_runtime/model_rows_{scope or model.scope}.sql"))
    return (
        template.replace("__model_rows__", f"({rows_in_scope}\n)")
        .replace("__model_date__", f"({model.scope_date})")
        .replace("__model_select__", model.select)
        .replace("__model_building__", building_table(model))
        .replace("__model_table__", into or model.name)
    )


def building_table(model: SqlModel) -> str:
    """The table a full build in chunks fills before it takes the model's name (sql/model_runtime/model_build_empty.sql
    says why it is not the model's table itself)."""
    return f"{model.name}_building"


def bound_in(statement: str, parameters: dict[str, Any]) -> dict[str, Any] | None:
    """The values of the parameters a statement binds (DuckDB refuses one for a name it does not bind)."""
    return {name: parameters[name] for name in parameter_names(statement)} or None


def model_chunks(connection, full: bool, size: int) -> list[list[int | None]] | None:
    """The issuers of a model's refresh in chunks of about `size` filings, or None when it fits in one (a night)."""
    [(filings,)] = query_sql_file(connection, "model_runtime/model_scope_size.sql", full=full).fetchall()
    if filings <= size:
        return None
    return issuer_chunks(
        query_sql_file(connection, "model_runtime/model_chunk_weights.sql", full=full).fetchall(), size
    )


def materialize_model(
    connection, model: SqlModel, overrides: dict[str, Any], chunk_filings: int = MODEL_CHUNK_FILINGS
) -> int:
    """Bring the model's table up to date in one transaction; returns its row count.

    A model keyed by issuer has only the issuers of the last refreshes (model_scope) recomputed: their rows are
    deleted and the model's own SELECT, filtered to them, inserted. DuckDB pushes that filter into simple SELECTs;
    a model whose CTEs aggregate or join lines first calls `in_model_scope(issuer_cik)` there, a macro that is
    `true` in a full build. A model declaring `-- scope: filing` is recomputed the same way for the filings of
    model_scope_filings, with `in_filing_scope(accession_number)`, and one declaring `-- scope: group` for the
    owner groups of model_scope_groups, with `in_group_scope(issuer_cik, owner_group_key)`. A model over windows of
    days or months declares `-- scope: date <last day a row's window reads>` and has each issuer's rows from its
    earliest changed transaction date on recomputed; it reads lines from `date_scope_start()` (the earliest such
    date of all issuers, '-infinity' in a full build) back by one window. A model whose SQL or parameters changed
    is rebuilt in full.

    More than `chunk_filings` filings to recompute (a history of Form 345 data sets, a full build of a big
    warehouse) go a chunk of whole issuers at a time, so memory follows the chunk: a model's rows depend on their
    issuer's filings only, so the chunks give the rows one pass gives.
    """
    parameters = {**model.parameters, **overrides}
    wanted = parameter_names(model.select) | parameter_names(model.scope_date or "")
    missing = wanted - parameters.keys()
    if missing:
        raise KeyError(f"sql/models/{model.name}.sql binds {sorted(missing)} but declares no default")
    bound = {name: parameters[name] for name in wanted}
    # The SELECT's text holds its `-- scope:` line: a changed scope rebuilds the model in full.
    digest = hashlib.sha256(json.dumps([model.select, bound], sort_keys=True, default=str).encode()).hexdigest()
    built = query_sql_file(connection, "model_runtime/model_version_built.sql", name=model.name).fetchall()
    incremental = built == [(digest,)]
    chunks = model_chunks(connection, not incremental, chunk_filings)
    if not incremental and chunks is not None:
        run_sql_file(connection, "model_runtime/model_scope_full.sql")
        _execute(connection, "model_runtime/model_build_empty.sql", model, bound)
    with transaction(connection):
        if incremental:
            _refresh_scoped(connection, model, bound, chunks)
        else:
            _build_full(connection, model, bound, chunks)
            run_sql_file(connection, "model_runtime/model_version_record.sql", name=model.name, digest=digest)
    with profiled(f"models/{model.name}.sql (count)"):
        return connection.table(model.name).count("*").fetchall()[0][0]


def _execute(
    connection,
    relative_path: str,
    model: SqlModel,
    bound: dict[str, Any],
    scope: str | None = None,
    into: str | None = None,
) -> None:
    statement = model_statement(relative_path, model, scope, into)
    with profiled(f"models/{model.name}.sql ({Path(relative_path).stem})"):
        connection.execute(statement, bound_in(statement, bound))


def _chunk_scopes(
    connection, chunks: list[list[int | None]] | None, model: SqlModel, scope_file: str
) -> Iterator[None]:
    """Once per chunk, with its issuers as model_chunk and the scope macros of `scope_file` made for it; None: one
    chunk, the whole of model_scope."""
    if chunks is None:
        run_sql_file(connection, "model_runtime/model_chunk_whole_scope.sql")
        run_sql_file(connection, scope_file)
        yield
        return
    for chunk in progress(chunks, desc=model.name, unit="chunk", leave=False):
        issuers = pl.DataFrame({"issuer_cik": chunk}, schema={"issuer_cik": pl.Int64})
        with registered(connection, {"batch_model_chunk": issuers}):
            run_sql_file(connection, "model_runtime/model_chunk.sql")
        run_sql_file(connection, scope_file)
        yield


def _refresh_scoped(connection, model: SqlModel, bound: dict[str, Any], chunks: list[list[int | None]] | None) -> None:
    """The scope's rows deleted and recomputed: in one statement each, or a chunk of issuers at a time."""
    for _ in _chunk_scopes(connection, chunks, model, "model_runtime/model_scope_incremental.sql"):
        _execute(connection, "model_runtime/model_delete_scoped.sql", model, bound)
        _execute(connection, "model_runtime/model_insert_scoped.sql", model, bound)


def _build_full(connection, model: SqlModel, bound: dict[str, Any], chunks: list[list[int | None]] | None) -> None:
    """The table replaced by the rows of its SELECT: in one statement, or a chunk of issuers at a time into the
    empty `building_table` `materialize_model` created, which then takes the model's name."""
    if chunks is None:
        run_sql_file(connection, "model_runtime/model_scope_full.sql")
        _execute(connection, "model_runtime/model_build_full.sql", model, bound)
        return
    for _ in _chunk_scopes(connection, chunks, model, "model_runtime/model_scope_full_chunk.sql"):
        _execute(
            connection,
            "model_runtime/model_insert_scoped.sql",
            model,
            bound,
            scope="issuer",
            into=building_table(model),
        )
    _execute(connection, "model_runtime/model_swap_building.sql", model, bound)


class ModelConfig(dg.Config):
    """Per-run parameter overrides as text, e.g. {"min_owner_groups": "4"} for cluster_buys."""

    parameters: dict[str, str] = Field(default_factory=dict)


def model_asset(model: SqlModel, asset_names: set[str]) -> dg.AssetsDefinition:
    @dg.asset(
        name=model.name,
        deps=upstream_assets(model, asset_names),
        description=f"{model.grain}. Parameters: {model.parameters or 'none'}.",
        group_name="models",
        kinds={"duckdb", "sql"},
    )
    def build(config: ModelConfig, storage: StorageResource) -> dg.MaterializeResult:
        with open_warehouse(storage.warehouse_path) as connection:
            rows = materialize_model(connection, model, dict(config.parameters))
        return dg.MaterializeResult(
            metadata={"dagster/row_count": rows, "parameters": {**model.parameters, **config.parameters}}
        )

    return build


def model_assets(asset_names: set[str]) -> list[dg.AssetsDefinition]:
    return [model_asset(model, asset_names) for model in all_models().values()]
