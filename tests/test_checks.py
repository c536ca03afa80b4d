"""A check is one file: its SQL states the asset it checks and how much a failure matters, and Dagster shows it."""

from pathlib import Path

import dagster as dg
import pytest

from orchestration import checks
from orchestration.definitions import defs


def test_every_check_file_declares_its_asset_and_severity_and_dagster_runs_it_so():
    found = checks.all_checks()
    assert len(found) == len(list(checks.CHECKS_FOLDER.glob("*.sql"))) >= 16
    # The positions' own checks stop a publish; a new check of any severity needs no edit here.
    blocking = {name for name, check in found.items() if check.severity == "blocking"}
    assert {"positions_never_overlap", "positions_trace_to_filings", "positions_not_from_superseded_lines"} <= blocking
    assert "positions_not_negative" in {name for name, check in found.items() if check.severity == "warn"}
    specs = {spec.name: spec for group in checks.warehouse_checks for spec in group.check_specs}
    assert set(specs) == set(found)
    for name, check in found.items():
        assert specs[name].asset_key == dg.AssetKey(check.asset), name
        assert specs[name].blocking == (check.severity == "blocking"), name
    graph = defs.get_repository_def().asset_graph
    assert {key.name for key in graph.asset_check_keys} == set(found)


def test_a_new_check_is_one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Dropped into sql/checks/, a file is a check of its asset; a file without its header is refused by name."""
    folder = tmp_path / "checks"
    folder.mkdir()
    (folder / "owners_named.sql").write_text(
        "-- asset: owners\n-- severity: warn\n-- One row per owner interval without a name.\n"
        "select owner_cik, valid_from from owners where owner_name is null\n"
    )
    (folder / "unheaded.sql").write_text("-- One row per something.\nselect 1\n")
    monkeypatch.setattr(checks, "CHECKS_FOLDER", folder)
    check = checks.read_check("owners_named")
    assert (check.asset, check.severity, check.description) == (
        "owners",
        "warn",
        "One row per owner interval without a name.",
    )
    with pytest.raises(ValueError, match=r"sql/checks/unheaded.sql must open with '-- asset: <table>'"):
        checks.read_check("unheaded")


def test_key_checks_find_a_stale_copy_under_its_own_issuer_a_former_one_or_none(tmp_path: Path):
    """The key checks look a load's rows up by issuer first (sql/views/load_scope_rows.sql): a copy of a line is
    found whether it carries the filing's issuer, a former issuer the load recorded, or no issuer at all."""
    from orchestration.sql_files import query_sql_file
    from tests.real_corpus import build_real_warehouse
    from tests.test_vehicles_real import FIXTURE_REAL

    connection = build_real_warehouse(tmp_path / "warehouse.duckdb", FIXTURE_REAL)
    try:
        connection.execute("delete from model_scope")  # as after a publish: the issuers come from the load's filings

        def repeated() -> list[str]:
            return [row[0] for row in query_sql_file(connection, "checks/transactions_key_unique.sql").fetchall()]

        assert repeated() == []
        [(accession, issuer)] = connection.sql(
            "select accession_number, issuer_cik from filings where transaction_count > 0 order by 1 limit 1"
        ).fetchall()
        copy = "insert into transactions select * replace ($issuer as filing_issuer_cik) from transactions "
        copy += "where accession_number = $accession and line_number = 1 limit 1"
        connection.execute(copy, {"issuer": issuer, "accession": accession})
        assert repeated() == [accession]
        connection.execute(
            "delete from transactions where accession_number = $a and rowid = (select max(rowid) "
            "from transactions where accession_number = $a)",
            {"a": accession},
        )
        connection.execute(copy, {"issuer": None, "accession": accession})
        assert repeated() == [accession]
        connection.execute("update transactions set filing_issuer_cik = 99 where filing_issuer_cik is null")
        assert repeated() == []  # an issuer the load never named: outside the night's scope
        recorded = "insert into load_scope_parties values ($a, 'issuer', $i), ($a, 'former issuer', 99)"
        connection.execute(recorded, {"a": accession, "i": issuer})  # as a reload that changed the issuer records
        assert repeated() == [accession]
    finally:
        connection.close()
