"""Loaded filings whose archived copy turns out damaged: fetched again in the same run, never unloaded.

A stored copy can go bad after its filing was loaded (a disk fault, a copy cut short by a power loss before the
archive's `sync`). The parse pool sets such a copy aside and leaves the filing's rows alone; this fetches it
again through the same client, archive and parser as the nightly, and reloads it. If that fails too, the rows
the warehouse had stay, the failure is recorded, and a later run retries it (sql/filings_to_retry.sql beside it).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from orchestration.fetch_and_parse import fetch_and_parse
from orchestration.parse_pool import ParsedBatch
from orchestration.resources import EdgarResource, StorageResource
from orchestration.sql_files import beside, query_sql_file
from orchestration.warehouse_connection import open_warehouse, registered
from transforms.fetch_submissions import SubmissionTarget


@dataclass(frozen=True)
class Refetched:
    """What became of the loaded filings whose archived copy was damaged."""

    damaged: int = 0
    reloaded: int = 0
    kept: list[str] = field(default_factory=list)  # could not be fetched or parsed again: their loaded rows stay

    def describe(self) -> str:
        said = f"{self.damaged} loaded filing(s) had a damaged archived copy (set aside under data/raw/set-aside/)"
        if not self.kept:
            return f"{said}: fetched again and reloaded"
        return (
            f"{said}: {self.reloaded} fetched again and reloaded; {len(self.kept)} could not be "
            f"({', '.join(self.kept[:3])}{' …' if len(self.kept) > 3 else ''}) and keep the rows they had. They are "
            "recorded in ingest_failures and fetched again by the next run"
        )


def loaded_accessions(storage: StorageResource, accessions: Sequence[str]) -> set[str]:
    """The `accessions` the warehouse holds rows of."""
    asked = pl.DataFrame({"accession_number": list(accessions)}, schema={"accession_number": pl.String})
    with open_warehouse(storage.warehouse_path) as connection, registered(connection, {"batch_accessions": asked}):
        return {row[0] for row in query_sql_file(connection, beside(__file__, "loaded_accessions.sql")).fetchall()}


def refetch_loaded(
    storage: StorageResource,
    edgar: EdgarResource,
    set_aside: Sequence[SubmissionTarget],
    load: Callable[[ParsedBatch], None],
) -> Refetched:
    """Fetch again the filings of `set_aside` that are loaded, parse them and `load` them; what came of it."""
    loaded = loaded_accessions(storage, [target.accession_number for target in set_aside]) if set_aside else set()
    targets = [target for target in set_aside if target.accession_number in loaded]
    if not targets:
        return Refetched()
    batch = fetch_and_parse(edgar.client(storage), storage.raw_archive, targets)
    load(batch)
    kept = [target.accession_number for target in targets if target.accession_number not in set(batch.accessions)]
    return Refetched(len(targets), len(batch.accessions), kept)
