"""The Dagster code location: `dagster dev -m orchestration.definitions` or `dg dev` shows this graph.

The sources (orchestration/sources/: how data comes in) bring their assets, jobs and schedules; the warehouse's
model, SQL models, checks, alerts and read copy are shared by all of them. Loading it is a door: the settings are
read here, once per process, and handed to the resources.
"""

import dagster as dg

from orchestration.alert_assets import alert_delivery, alerts
from orchestration.checks import warehouse_checks
from orchestration.model_assets import published_warehouse, warehouse_model_asset
from orchestration.resources import resources_for
from orchestration.run_logging import RUN_WARNINGS_LOGGER, run_warnings_logger
from orchestration.settings import read_settings
from orchestration.sources import current_feed, edgar_daily, f345
from orchestration.sql_models import model_assets

SOURCES = (edgar_daily, f345, current_feed)
PIPELINE_ASSETS = [
    *(asset for source in SOURCES for asset in source.ASSETS),
    warehouse_model_asset([loader for source in SOURCES for loader in source.FILING_TABLE_LOADERS]),
    published_warehouse,
    alerts,
    alert_delivery,
]
TABLE_ASSET_NAMES = {key.to_user_string() for assets in PIPELINE_ASSETS for key in assets.keys}

defs = dg.Definitions(
    assets=[*PIPELINE_ASSETS, *model_assets(TABLE_ASSET_NAMES)],
    asset_checks=warehouse_checks,
    jobs=[job for source in SOURCES for job in source.JOBS],
    loggers={RUN_WARNINGS_LOGGER: run_warnings_logger},
    schedules=[schedule for source in SOURCES for schedule in source.SCHEDULES],
    sensors=[sensor for source in SOURCES for sensor in source.SENSORS],
    resources=resources_for(read_settings()),
)
