"""The model refresh: what the loads since the last refresh changed, rebuilt for their owner groups and issuers
in one transaction, by the steps of sql/refresh/ in the order their headers give (orchestration/refresh_chain.py)
and the one step in Python that assigns lines to vehicles (transforms/vehicles.py).
"""

from collections.abc import Sequence
from contextlib import ExitStack

import duckdb
import polars as pl

from orchestration.progress import progress
from orchestration.refresh_chain import refresh_steps
from orchestration.settings import SettingError
from orchestration.sql_files import beside, query_sql_file, run_sql_file
from orchestration.warehouse_connection import registered, transaction
from transforms.vehicle_overrides import first_unappliable, override_lines
from transforms.vehicles import Override, OverrideNotAppliedError, VehicleAssignment, assign_vehicles

# Lines handed to transforms/vehicles.py at a time (whole owner groups): a rebuild of every group (migration 3)
# holds one batch's lines as Python objects, not the warehouse's (all of them at once ran to gigabytes:
# docs/performance.md).
VEHICLE_BATCH_LINES = 200_000


def assign_in_batches(connection: duckdb.DuckDBPyConnection, overrides: Sequence[Override]) -> VehicleAssignment:
    """Assign vehicle_input's lines to vehicles, a batch of whole owner groups at a time (groups are independent)."""
    sizes = query_sql_file(connection, "refresh/vehicles/group_sizes.sql").pl()
    batch_numbers = ((sizes["lines"].cum_sum() - sizes["lines"]) // VEHICLE_BATCH_LINES).alias("batch")
    batches = sizes.with_columns(batch_numbers).partition_by("batch", maintain_order=True, include_key=False)
    batches = batches or [sizes]  # none: one empty batch, for the frames' shape
    parts = []
    for groups in progress(batches, desc="vehicles", unit="batch", disable=len(batches) < 3, leave=False):
        with registered(connection, {"vehicle_batch_groups": groups.drop("lines")}):
            lines = query_sql_file(connection, "refresh/vehicles/batch_lines.sql").pl()
            filings = query_sql_file(connection, "refresh/vehicles/batch_statements.sql").pl()
        parts.append(assign_vehicles(lines, overrides, filings))
    return VehicleAssignment(
        pl.concat([part.decisions for part in parts]),
        pl.concat([part.aliases for part in parts]),
        pl.concat([part.closings for part in parts]),
    )


def check_overrides(connection: duckdb.DuckDBPyConnection, overrides: Sequence[Override]) -> None:
    """SettingError naming the first override the warehouse cannot honour (transforms/vehicle_overrides.py says
    which): run once filing_status is up to date, before the overrides decide anything."""
    if not overrides:
        return
    with registered(connection, {"batch_overrides": override_lines(overrides)}):
        held = query_sql_file(connection, beside(__file__, "override_lines.sql")).pl()
    problem = first_unappliable(overrides, held)
    if problem:
        raise SettingError(f"INSIDER_VEHICLE_OVERRIDES: {problem}")


def refresh_model(
    connection: duckdb.DuckDBPyConnection,
    accessions: list[str],
    calendar: pl.DataFrame,
    overrides: Sequence[Override] = (),
) -> None:
    """Rebuild, in one transaction, the name histories of the issuers and owners the batch touches, the amendment
    links, vehicles, positions and beneficial ownership of its owner groups, and the calendar: the cost follows the
    batch and its groups' histories, not the warehouse. `overrides` are an analyst's vehicle corrections."""
    batch = {
        "batch_accessions": pl.DataFrame({"accession_number": accessions}, schema={"accession_number": pl.String}),
        "batch_calendar": calendar,
    }
    with registered(connection, batch), transaction(connection), ExitStack() as vehicle_frames:
        for step in refresh_steps():  # in the order the steps' headers give (orchestration/refresh_chain.py)
            if step.path is not None:
                run_sql_file(connection, step.path)
                continue
            check_overrides(connection, overrides)
            try:
                assignment = assign_in_batches(connection, overrides)
            except OverrideNotAppliedError as error:
                raise SettingError(f"INSIDER_VEHICLE_OVERRIDES: {error}") from None
            frames = {
                "batch_vehicle_decisions": assignment.decisions,
                "batch_security_aliases": assignment.aliases,
                "batch_vehicle_closings": assignment.closings,
            }
            vehicle_frames.enter_context(registered(connection, frames))
