"""The SEC's Form 345 data sets: years of history, one zip per quarter from 2006q1.

Each quarter is fetched (or read from the raw archive), read (transforms/f345/reader.py), loaded in one transaction
(`f345_quarter`, orchestration/sources/f345/load.py) and, after the model refresh and the read copy, the run says
which quarters could not be loaded (`f345_outcome`).
"""

from orchestration.history_load import F345_ASSET
from orchestration.sources.f345.assets import f345_outcome, f345_quarter
from orchestration.sources.f345.jobs import f345_job

ASSETS = [f345_quarter, f345_outcome]
JOBS = [f345_job]
SCHEDULES: list = []
SENSORS: list = []
# Assets that load the filing tables outside the nightly's own step: the model's tables are fed by them too.
FILING_TABLE_LOADERS: list[str] = [F345_ASSET]
