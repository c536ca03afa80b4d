"""EDGAR's daily indexes and the submissions they list: the nightly, the authority for every day it has read.

Discover each day's index (`edgar_daily_index`), fetch every listed filing into the raw archive
(`raw_submissions`), parse and load them (`filing_tables`), and after the model refresh and the read copy say
whether every day could be read (`ingest_outcome`).
"""

from orchestration.sources.edgar_daily.filing_assets import filing_tables
from orchestration.sources.edgar_daily.index_assets import edgar_daily_index
from orchestration.sources.edgar_daily.jobs import ingest_job, nightly_ingest
from orchestration.sources.edgar_daily.outcome_assets import ingest_outcome
from orchestration.sources.edgar_daily.submission_assets import raw_submissions

ASSETS = [edgar_daily_index, raw_submissions, filing_tables, ingest_outcome]
JOBS = [ingest_job]
SCHEDULES = [nightly_ingest]
SENSORS: list = []
# Assets that load the filing tables outside the nightly's own step: the model's tables are fed by them too.
FILING_TABLE_LOADERS: list[str] = []
