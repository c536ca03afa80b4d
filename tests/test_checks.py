"""A check is one file: its SQL states the asset it checks and how much a failure matters, and Dagster shows it."""

from pathlib import Path

import dagster as dg
import pytest

from orchestration import checks
from orchestration.definitions import defs


def test_every_check_file_declares_its_asset_and_severity_and_dagster_runs_it_so():
    found = checks.all_checks()
    assert len(found) == len(list(checks.CHECKS_FOLDER.glob("*.sql"))) >= 16
    blocking = {name for name, check in found.items() if check.severity == "blocking"}
    assert blocking == {"positions_never_overlap", "positions_trace_to_filings", "positions_not_from_superseded_lines"}
    assert {name for name, check in found.items() if check.severity == "warn"} == {"positions_not_negative"}
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
