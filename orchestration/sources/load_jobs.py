"""A source's job: its own assets, then what follows from any load of the filing tables (the model refresh, the SQL
models, their checks and the read copy), then its own verdict, never another source's.

What generic code needs of a source it learns from tags, not names: a source's verdict asset carries OUTCOME_TAGS
(every job leaves out the others'), and a source's job carries the kind of window its runs cover (KIND_TAG: `days`,
`quarters`, `filings`), which `insider-warehouse runs` shows; a run may say its window in words (WINDOW_TAG).
"""

import dagster as dg

from transforms.tables import FILING_TABLES

# A source's verdict over its own window (days, quarters), after publishing: `@dg.asset(tags=OUTCOME_TAGS)`.
OUTCOME_TAGS = {"insider/role": "outcome"}
KIND_TAG = "insider/kind"
WINDOW_TAG = "insider/window"


def load_job(
    name: str,
    *assets: str,
    description: str,
    kind: str,
    outcome: str | None = None,
    filing_checks: bool = False,
):
    """A job running `assets`, what they feed and what the filing tables feed (a source that loads them outside
    the nightly runs what is built from them too, not the nightly's step that writes them), and `outcome`; with
    `filing_checks`, the filing tables' key checks over the run's loads too; its runs are of `kind`. The model's
    tables are one step, so the calendar is refreshed with the rest. One process: DuckDB lets one process write."""
    outcomes = dg.AssetSelection.tag(*next(iter(OUTCOME_TAGS.items())))
    others = outcomes - dg.AssetSelection.assets(outcome) if outcome else outcomes
    selection = (
        dg.AssetSelection.assets(*assets).downstream()
        | dg.AssetSelection.assets(*FILING_TABLES).downstream(include_self=False)
    ).required_multi_asset_neighbors() - others.downstream()
    if filing_checks:
        selection = selection | dg.AssetSelection.checks_for_assets(*FILING_TABLES)
    return dg.define_asset_job(
        name,
        selection=selection,
        description=description,
        executor_def=dg.in_process_executor,
        tags={KIND_TAG: kind},
    )
