"""A source's job: its own assets, then what follows from any load of the filing tables (the model refresh, the SQL
models, their checks and the read copy), then its own verdict, never another source's."""

import dagster as dg

from transforms.tables import FILING_TABLES

# Each source's verdict over its own window (days, quarters), after publishing.
OUTCOME_ASSETS = ("ingest_outcome", "f345_outcome")


def load_job(name: str, *assets: str, description: str, outcome: str | None = None, filing_checks: bool = False):
    """A job running `assets`, what they feed and what the filing tables feed (a source that loads them outside
    the nightly runs what is built from them too, not the nightly's step that writes them), and `outcome`; with
    `filing_checks`, the filing tables' key checks over the run's loads too. The model's tables are one step, so
    the calendar is refreshed with the rest. One process: DuckDB lets one process write."""
    others = [verdict for verdict in OUTCOME_ASSETS if verdict != outcome]
    selection = (
        dg.AssetSelection.assets(*assets).downstream()
        | dg.AssetSelection.assets(*FILING_TABLES).downstream(include_self=False)
    ).required_multi_asset_neighbors() - dg.AssetSelection.assets(*others).downstream()
    if filing_checks:
        selection = selection | dg.AssetSelection.checks_for_assets(*FILING_TABLES)
    return dg.define_asset_job(
        name,
        selection=selection,
        description=description,
        executor_def=dg.in_process_executor,
    )
