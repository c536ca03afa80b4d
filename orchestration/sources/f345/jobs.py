"""The history load's job: a range of quarters of the Form 345 data sets, then what follows from any load."""

import dagster as dg

from orchestration.history_load import F345_ASSET, F345_JOB
from transforms.tables import FILING_TABLES

# A range of quarters of the Form 345 data sets, then what follows from any load: the model refresh, the SQL
# models, their checks and the read copy (not the day-partitioned ingest, nor its outcome over days).
f345_job = dg.define_asset_job(
    F345_JOB,
    # A quarter's load writes the filing tables, so what is built from them follows too (not the nightly's own
    # step that writes them); the model's tables are one step, so the calendar is refreshed with the rest.
    selection=(
        dg.AssetSelection.assets(F345_ASSET).downstream()
        | dg.AssetSelection.assets(*FILING_TABLES).downstream(include_self=False)
    ).required_multi_asset_neighbors()
    - dg.AssetSelection.assets("ingest_outcome").downstream(),
    description="Fetch and load a range of quarters of the SEC's Form 345 data sets, then refresh and publish.",
    executor_def=dg.in_process_executor,
)
