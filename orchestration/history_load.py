"""Which Dagster runs load history (quarters of the Form 345 data sets), and so open the warehouse under the
history load's memory limit (`warehouse.history_memory_limit`) however they were launched: the command line, the
`load_f345_quarters` job in the UI, or the asset materialized on its own."""

import dagster as dg

F345_ASSET = "f345_quarter"
# The run's verdict on its quarters, after publishing: in the quarters' job only.
F345_OUTCOME_ASSET = "f345_outcome"
F345_JOB = "load_f345_quarters"


def is_history_load(run: dg.DagsterRun | None) -> bool:
    """True for a run of the quarters' job, or of any selection that includes the quarters' asset."""
    if run is None:
        return False
    return run.job_name == F345_JOB or dg.AssetKey(F345_ASSET) in (run.asset_selection or set())
