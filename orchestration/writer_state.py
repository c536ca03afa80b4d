"""What the writer's file holds that no read copy has yet: work a stopped run left unpublished, and alerts the
webhook is still to get. Read without writing, so a poll can decide whether a run must finish something first."""

from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.migrations import latest_version, recorded_version
from orchestration.sql_files import beside, query_sql_file
from orchestration.warehouse_connection import connect


@dataclass(frozen=True)
class WriterState:
    filings_not_refreshed: int = 0
    issuers_not_published: int = 0
    feed_filings_not_published: int = 0
    alerts_not_published: int = 0
    alerts_to_post: int = 0

    @property
    def unpublished(self) -> bool:
        """True when a run loaded or refreshed and stopped before its publish: the read copy is behind."""
        return any(
            (
                self.filings_not_refreshed,
                self.issuers_not_published,
                self.feed_filings_not_published,
                self.alerts_not_published,
            )
        )

    def describe(self) -> str:
        parts = [
            (self.filings_not_refreshed, "filing(s) loaded and not refreshed"),
            (self.issuers_not_published, "issuer(s) refreshed and not published"),
            (self.feed_filings_not_published, "feed filing(s) not published"),
            (self.alerts_not_published, "alert(s) not published"),
        ]
        return ", ".join(f"{count} {what}" for count, what in parts if count) or "nothing"


def state_of(connection: duckdb.DuckDBPyConnection) -> WriterState:
    """The state of the writer `connection` has open. A warehouse not migrated to this release has nothing this
    release could finish: the next run migrates it."""
    if recorded_version(connection) != latest_version():
        return WriterState()
    [counts] = query_sql_file(connection, beside(__file__, "unpublished_work.sql")).fetchall()
    [(to_post,)] = query_sql_file(connection, beside(__file__, "alerts_to_post_count.sql")).fetchall()
    return WriterState(*counts, alerts_to_post=to_post)


def writer_state(warehouse: Path, wait_seconds: float | None = None) -> WriterState:
    """The writer's state, read without writing (WarehouseLockedError past `wait_seconds` while a run writes it);
    a warehouse not built yet has nothing to finish."""
    if not warehouse.exists():
        return WriterState()
    connection = connect(warehouse, read_only=True, wait_seconds=wait_seconds)
    try:
        return state_of(connection)
    finally:
        connection.close()
