"""A run that stops between its steps leaves work for the next one, even when the next one covers other days.

The nightly job loads filings, then refreshes the model for their issuers and owners, then the SQL models for
those issuers. Stopped after either step (a failed or killed run), the next night's run must bring the derived
tables up to date for both nights' filings, not only for its own.
"""

from pathlib import Path

import dagster as dg

from bench.generate import generate
from mirror.server import serve_in_background
from orchestration.model_assets import MODEL_TABLES
from orchestration.sql_models import all_models
from tests.conftest import materialize_days, read_table, table_rows
from tests.test_pipeline_fixture_mirror import KEYED_TABLES
from transforms.document_kinds import KIND_TABLE_DESCRIPTIONS

FILINGS, DAYS, STOPPED_DAYS = 40, 4, 2
DERIVED_KEYS = {table: key for table, key in KEYED_TABLES.items() if table in MODEL_TABLES}
STOPS = {
    "after_the_load": dg.AssetSelection.assets(*KIND_TABLE_DESCRIPTIONS).upstream().required_multi_asset_neighbors(),
    "after_the_model_refresh": dg.AssetSelection.assets(*MODEL_TABLES).upstream().required_multi_asset_neighbors(),
}


def derived_tables(data_dir: Path) -> dict[str, list[tuple]]:
    """Every row of the model's tables and of each SQL model, in a fixed order."""
    rows = {table: table_rows(data_dir, table, key) for table, key in DERIVED_KEYS.items()}
    for name in all_models():
        rows[name] = sorted(table_rows(data_dir, name, "issuer_cik"), key=repr)
    return rows


def issuers_filed(data_dir: Path, days: list) -> set[int]:
    rows = read_table(
        data_dir,
        "select distinct issuer_cik from filings where filing_date between $first and $last",
        first=days[0],
        last=days[-1],
    )
    return {issuer for (issuer,) in rows}


def test_a_run_stopped_after_the_load_or_the_model_is_completed_by_the_next_nights_run(tmp_path: Path):
    days = generate(tmp_path / "mirror", FILINGS, days=DAYS)
    stopped_days, resumed_days = days[:STOPPED_DAYS], days[STOPPED_DAYS:]
    with serve_in_background([tmp_path / "mirror"]) as mirror:
        undisturbed = tmp_path / "undisturbed"
        assert materialize_days(undisturbed, mirror.base_url, days[0], days[-1]).success
        expected = derived_tables(undisturbed)
        assert all(expected[table] for table in DERIVED_KEYS)
        # Only a stopped night's own issuers show what it left undone: the next night refreshes its own anyway.
        assert issuers_filed(undisturbed, stopped_days) - issuers_filed(undisturbed, resumed_days)
        for stop, selection in STOPS.items():
            data_dir = tmp_path / stop
            stopped = materialize_days(
                data_dir, mirror.base_url, stopped_days[0], stopped_days[-1], selection=selection
            )
            assert stopped.success
            assert materialize_days(data_dir, mirror.base_url, resumed_days[0], resumed_days[-1]).success
            assert derived_tables(data_dir) == expected, stop
