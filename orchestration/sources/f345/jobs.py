"""The history load's job: a range of quarters of the Form 345 data sets, then what follows from any load."""

from orchestration.history_load import F345_ASSET, F345_JOB, F345_OUTCOME_ASSET
from orchestration.sources.load_jobs import load_job

f345_job = load_job(
    F345_JOB,
    F345_ASSET,
    description="Fetch and load a range of quarters of the SEC's Form 345 data sets, then refresh and publish.",
    kind="quarters",
    outcome=F345_OUTCOME_ASSET,
)
