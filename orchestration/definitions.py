"""The Dagster code location: `dagster dev -m orchestration.definitions` or `dg dev` shows this graph."""

import dagster as dg

from orchestration.checks import warehouse_checks
from orchestration.f345_assets import f345_outcome, f345_quarter
from orchestration.filing_assets import filing_tables
from orchestration.index_assets import edgar_daily_index
from orchestration.model_assets import published_warehouse, warehouse_model
from orchestration.outcome_assets import ingest_outcome
from orchestration.resources import EdgarResource, ParsingResource, StorageResource
from orchestration.run_logging import RUN_WARNINGS_LOGGER, run_warnings_logger
from orchestration.schedules import f345_job, ingest_job, nightly_ingest
from orchestration.sql_models import model_assets
from orchestration.submission_assets import raw_submissions

PIPELINE_ASSETS = [
    edgar_daily_index,
    raw_submissions,
    filing_tables,
    warehouse_model,
    published_warehouse,
    ingest_outcome,
    f345_quarter,
    f345_outcome,
]
TABLE_ASSET_NAMES = {key.to_user_string() for assets in PIPELINE_ASSETS for key in assets.keys}

defs = dg.Definitions(
    assets=[*PIPELINE_ASSETS, *model_assets(TABLE_ASSET_NAMES)],
    asset_checks=warehouse_checks,
    jobs=[ingest_job, f345_job],
    loggers={RUN_WARNINGS_LOGGER: run_warnings_logger},
    schedules=[nightly_ingest],
    resources={"storage": StorageResource(), "edgar": EdgarResource(), "parsing": ParsingResource()},
)
