"""The Dagster code location: `dagster dev -m orchestration.definitions` or `dg dev` shows this graph."""

import dagster as dg

from orchestration.checks import warehouse_checks
from orchestration.filing_assets import filing_tables
from orchestration.index_assets import edgar_daily_index
from orchestration.model_assets import published_warehouse, warehouse_model
from orchestration.resources import EdgarResource, ParsingResource, StorageResource
from orchestration.schedules import ingest_job, nightly_ingest
from orchestration.sql_models import model_assets
from orchestration.submission_assets import raw_submissions

PIPELINE_ASSETS = [edgar_daily_index, raw_submissions, filing_tables, warehouse_model, published_warehouse]
TABLE_ASSET_NAMES = {key.to_user_string() for assets in PIPELINE_ASSETS for key in assets.keys}

defs = dg.Definitions(
    assets=[*PIPELINE_ASSETS, *model_assets(TABLE_ASSET_NAMES)],
    asset_checks=warehouse_checks,
    jobs=[ingest_job],
    schedules=[nightly_ingest],
    resources={"storage": StorageResource(), "edgar": EdgarResource(), "parsing": ParsingResource()},
)
