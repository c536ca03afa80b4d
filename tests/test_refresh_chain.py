"""The model refresh reads as a chain whose order its steps declare: each file of sql/refresh/ opens with
`-- reads: a, b` and `-- writes: c` lines that say the truth, and orchestration/refresh_chain.py orders the steps by
them (a topological sort), refusing a cycle, a table nothing provides, and a table written twice.

The tables are found here by parsing the SQL (sqlglot), not by matching text: a statement's target (insert,
delete, update, create) is written, every other table it names outside its own CTEs is read.
"""

import dagster as dg
import pytest
import sqlglot
from sqlglot import exp

from orchestration.refresh_chain import (
    ASSIGN_VEHICLES,
    REGISTERED,
    ChainError,
    Step,
    header_tables,
    ordered,
    permanent_tables,
    refresh_steps,
    sql_steps,
)
from orchestration.sql_files import SQL_ROOT, split_statements


def _target(statement: exp.Expression) -> str | None:
    if isinstance(statement, exp.Insert | exp.Delete | exp.Update | exp.Create):
        node = statement.this
        while node is not None and not isinstance(node, exp.Table):
            node = node.this
        return node.name if node is not None else None
    return None


def actual(text: str) -> dict[str, set[str]]:
    """What a file reads from outside (tables it did not write in an earlier statement) and what it writes."""
    reads: set[str] = set()
    writes: set[str] = set()
    for statement_text in split_statements(text):
        statement = sqlglot.parse_one(statement_text, read="duckdb")
        if isinstance(statement, exp.Create) and str(statement.args.get("kind", "")).upper() == "MACRO":
            continue
        target = _target(statement)
        ctes = {cte.alias_or_name for cte in statement.find_all(exp.CTE)}
        named = [table.name for table in statement.find_all(exp.Table) if table.name and table.name not in ctes]
        if target in named:
            named.remove(target)  # the target itself; any other mention of it is a read
        reads |= set(named) - writes
        if target:
            writes.add(target)
    return {"reads": reads, "writes": writes}


STEP_FILES = [step.path for step in sql_steps()]


@pytest.mark.parametrize("relative_path", STEP_FILES)
def test_each_refresh_file_states_what_it_reads_and_writes(relative_path: str):
    text = (SQL_ROOT / relative_path).read_text(encoding="utf-8")
    header = header_tables(text.split("\n\n")[0])
    assert header["reads"] or header["writes"], f"{relative_path}: start with '-- reads: …' and '-- writes: …' lines"
    found = actual(text)
    assert (set(header["reads"]), set(header["writes"])) == (found["reads"], found["writes"]), relative_path
    assert header["reads as before"] <= header["reads"], f"{relative_path}: 'reads as before' names a table not read"


def test_the_derived_order_runs_every_step_after_what_it_reads_is_written():
    steps = refresh_steps()
    assert len(steps) == len(STEP_FILES) + 1 and len(STEP_FILES) >= 17  # every file, and the Python step
    position = {step.name: number for number, step in enumerate(steps)}
    writer = {table: step for step in steps for table in step.writes}
    for step in steps:
        for table in step.reads:
            source = writer.get(table)
            if source is None or source is step:
                assert source is step or table in REGISTERED | permanent_tables(), (step.name, table)
                continue
            if table in step.reads_as_before:
                assert position[step.name] < position[source.name], (step.name, "reads as before", table)
            else:
                assert position[source.name] < position[step.name], (step.name, "reads", table)
    assert position[ASSIGN_VEHICLES] < position["refresh_positions"]


def step(name: str, reads: str = "", writes: str = "", before: str = "") -> Step:
    def tables(text: str) -> frozenset[str]:
        return frozenset(name for name in text.split() if name)

    return Step(name, tables(reads) | tables(before), tables(writes), tables(before), f"refresh/{name}.sql")


def test_a_cycle_a_table_nothing_writes_and_a_table_written_twice_are_refused_by_name():
    with pytest.raises(ChainError, match=r"the steps a, b wait on each other"):
        ordered([step("a", reads="y", writes="x"), step("b", reads="x", writes="y")])
    with pytest.raises(ChainError, match=r"b reads ghost, which no step writes and nothing else provides"):
        ordered([step("a", writes="x"), step("b", reads="x ghost")])
    with pytest.raises(ChainError, match=r"scratch is written by two steps, a and b"):
        ordered([step("a", writes="scratch"), step("b", writes="scratch")])


def test_a_table_read_as_before_puts_its_reader_first_and_ties_go_by_name():
    steps = [
        step("consume", reads="batch", writes="pending"),
        step("scope", reads="pending batch", writes="scoped", before="pending"),
        step("b_refresh", reads="scoped", writes="status"),
        step("a_refresh", reads="scoped", writes="names"),
    ]
    assert [one.name for one in ordered(steps, provided={"batch"})] == ["scope", "a_refresh", "b_refresh", "consume"]


def test_the_model_tables_lineage_in_dagster_is_what_their_steps_read():
    """The UI's lineage of the model's tables, from the steps' headers: not every table fed by every filing table."""
    from orchestration.definitions import defs

    graph = defs.get_repository_def().asset_graph
    upstream = {
        table: {key.to_user_string() for key in graph.get(dg.AssetKey(table)).parent_keys}
        for table in ("positions", "beneficial_ownership", "issuers", "calendar", "vehicle_decisions")
    }
    assert {"transactions", "holdings", "footnotes", "vehicle_decisions", "filing_status"} <= upstream["positions"]
    assert "signatures" not in upstream["positions"] and "unknown_elements" not in upstream["positions"]
    assert "positions" in upstream["beneficial_ownership"] and "transactions" not in upstream["beneficial_ownership"]
    assert {"filings", "filing_status", "f345_quarter"} <= upstream["issuers"]
    assert "holdings" not in upstream["issuers"]
    assert upstream["calendar"] == set()  # the calendar is computed, not read from filings
    assert "positions" not in upstream["vehicle_decisions"]


def test_the_quarters_job_refreshes_all_the_nightly_refreshes_after_its_filing_tables():
    from orchestration.definitions import defs

    def selected(job: str) -> set[str]:
        return {key.to_user_string() for key in defs.resolve_job_def(job).asset_layer.selected_asset_keys}

    from transforms.document_kinds import KIND_TABLES

    nightly_own = {"edgar_daily_index", "index_days", "index_entries", "raw_submissions", "ingest_outcome"}
    filing_tables = {"filings", "filing_owners", "transactions", "holdings", "footnotes", "signatures"}
    filing_tables |= {"filing_parties", "unknown_elements"}
    assert filing_tables < set(KIND_TABLES)  # the nightly's filing step writes every document kind's tables
    filing_tables |= set(KIND_TABLES)
    assert selected("load_f345_quarters") == selected("ingest_edgar_days") - nightly_own - filing_tables | {
        "f345_quarter",
        "f345_outcome",
    }
